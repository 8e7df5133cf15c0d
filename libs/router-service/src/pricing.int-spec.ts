import type { PricingOverrideSnapshot } from '@optscale/contracts';
import type { Organization } from '@optscale/database';
import { eventually } from '@optscale/testing';
import { BOOTSTRAP, RouterHarness } from './__fixtures__/harness';

/*
 * Pricing overrides: decimal strings end to end (never floats), uniqueness per provider and
 * organization-wide, access (read manager, write admin), and the provider belonging to the org.
 */

describe('router service: pricing overrides', () => {
  const h = new RouterHarness();
  let org: Organization;
  let other: Organization;
  let admin: string;
  let manager: string;
  let member: string;
  let providerId: string;
  let otherProviderId: string;
  const overrides = () => `/organizations/${org.id}/pricing-overrides`;

  beforeAll(async () => {
    await h.start('router_pricing');
    org = await h.organization('Priced');
    other = await h.organization('Other');
    admin = (await h.session(org, 'admin')).token;
    manager = (await h.session(org, 'manager')).token;
    member = (await h.session(org, 'member')).token;
    const create = (o: Organization, proxy: string) =>
      h.request('POST', `/organizations/${o.id}/providers`, BOOTSTRAP, {
        name: proxy,
        proxy_name: proxy,
        api_type: 'openai',
      });
    providerId = (await create(org, 'openai')).body.id;
    otherProviderId = (await create(other, 'openai')).body.id;
  });
  afterAll(() => h.close());

  it('stores and returns decimal strings exactly', async () => {
    const res = await h.request('POST', overrides(), admin, {
      model: 'gpt-4o',
      input_per_mtok: '2.5',
      output_per_mtok: '1234567890.0123456789',
      cache_read_per_mtok: '0.0000000001',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      model: 'gpt-4o',
      provider_id: null,
      input_per_mtok: '2.5',
      output_per_mtok: '1234567890.0123456789',
      cache_read_per_mtok: '0.0000000001',
      cache_write_per_mtok: null,
    });
    const [row] = await h.dataSource.query<{ output: string }[]>(
      'SELECT output_per_mtok::text AS output FROM model_pricing_overrides WHERE id = $1',
      [res.body.id],
    );
    expect(row?.output).toBe('1234567890.0123456789');
  });

  it('refuses floats, exponents, negatives and too many digits, naming the fields', async () => {
    const res = await h.request('POST', overrides(), admin, {
      model: 'gpt-4o-mini',
      input_per_mtok: '1e-3',
      output_per_mtok: 0.5,
      cache_read_per_mtok: '-1',
      cache_write_per_mtok: '0.12345678901',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.cache_read_per_mtok',
      'body.cache_write_per_mtok',
      'body.input_per_mtok',
      'body.output_per_mtok',
    ]);
    const missing = await h.request('POST', overrides(), admin, { input_per_mtok: '1' });
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.model',
      'body.output_per_mtok',
    ]);
  });

  it('is unique per model and provider (or organization-wide): 409', async () => {
    const again = await h.request('POST', overrides(), admin, {
      model: 'gpt-4o',
      input_per_mtok: '1',
      output_per_mtok: '2',
    });
    expect(again.status).toBe(409);
    expect(again.body.errors[0].field).toBe('body.model');
    const perProvider = {
      model: 'gpt-4o',
      provider_id: providerId,
      input_per_mtok: '1',
      output_per_mtok: '2',
    };
    expect((await h.request('POST', overrides(), admin, perProvider)).status).toBe(201);
    expect((await h.request('POST', overrides(), admin, perProvider)).status).toBe(409);
    const foreign = await h.request('POST', overrides(), admin, {
      ...perProvider,
      model: 'x',
      provider_id: otherProviderId,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0].field).toBe('body.provider_id');
  });

  it('lets managers read, only admins write, and members neither', async () => {
    const list = await h.request('GET', `${overrides()}?sort=model&order=asc`, manager);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    const scoped = await h.request('GET', `${overrides()}?provider_id=${providerId}&search=4O`, manager);
    expect(scoped.body.items.map((o: { provider_id: string }) => o.provider_id)).toEqual([providerId]);
    expect((await h.request('GET', overrides(), member)).status).toBe(403);
    const write = await h.request('POST', overrides(), manager, {
      model: 'y',
      input_per_mtok: '1',
      output_per_mtok: '1',
    });
    expect(write.status).toBe(403);
  });

  it('updates and deletes; another organization cannot see them', async () => {
    // The organization-wide price of gpt-4o (the same model also has a per-provider one).
    const all = (await h.request('GET', overrides(), admin)).body.items as {
      id: string;
      provider_id: string | null;
    }[];
    const id = all.find((o) => o.provider_id === null)!.id;
    const patched = await h.request('PATCH', `${overrides()}/${id}`, admin, {
      input_per_mtok: '0.000125',
      cache_read_per_mtok: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ input_per_mtok: '0.000125', cache_read_per_mtok: null });
    const clash = await h.request('PATCH', `${overrides()}/${id}`, admin, { provider_id: providerId });
    expect(clash.status).toBe(409);
    const { token: adminB } = await h.session(other, 'admin');
    expect((await h.request('DELETE', `${overrides()}/${id}`, adminB)).status).toBe(404);
    expect(
      (await h.request('DELETE', `/organizations/${other.id}/pricing-overrides/${id}`, adminB)).status,
    ).toBe(404);
    expect((await h.request('DELETE', `${overrides()}/${id}`, admin)).status).toBe(204);
    expect((await h.request('PATCH', `${overrides()}/${id}`, admin, { input_per_mtok: '1' })).status).toBe(
      404,
    );
  });

  it('publishes every price on optscale.config.pricing.v1 by <org>/<proxy name or *>/<model>', async () => {
    const latest = new Map<string, PricingOverrideSnapshot>();
    const invalid: string[] = [];
    const subscription = await h.bus.subscribe(
      'optscale.config.pricing.v1',
      (message) => {
        if (message.value === null) latest.delete(message.key);
        else latest.set(message.key, message.value);
      },
      {
        onInvalid: (m) => {
          invalid.push(m.error);
        },
      },
    );
    try {
      await subscription.caughtUp();
      // Left by the tests above: the per-provider price of gpt-4o (the org-wide one was deleted).
      expect([...latest.keys()].filter((k) => k.startsWith(org.id))).toEqual([`${org.id}/openai/gpt-4o`]);
      expect(latest.get(`${org.id}/openai/gpt-4o`)).toMatchObject({
        organizationId: org.id,
        provider: 'openai',
        model: 'gpt-4o',
        inputPerMtok: '1',
        outputPerMtok: '2',
        cacheReadPerMtok: null,
        cacheWritePerMtok: null,
      });
      const created = await h.request('POST', overrides(), admin, {
        model: 'meta-llama/Llama-3.1-8B',
        input_per_mtok: '0.0000000001',
        output_per_mtok: '3.10',
        cache_write_per_mtok: '1',
      });
      expect(created.status).toBe(201);
      // The write returns after the publish: no wait needed.
      expect(latest.get(`${org.id}/*/meta-llama/Llama-3.1-8B`)).toMatchObject({
        id: created.body.id,
        provider: null,
        inputPerMtok: '0.0000000001',
        outputPerMtok: '3.1',
        cacheWritePerMtok: '1',
      });
      // Deleting the provider takes its prices with it (ON DELETE CASCADE): a tombstone.
      expect(
        (await h.request('DELETE', `/organizations/${org.id}/providers/${providerId}`, admin)).status,
      ).toBe(204);
      await eventually(() => expect(latest.has(`${org.id}/openai/gpt-4o`)).toBe(false));
      expect(invalid).toEqual([]);
      expect(latest.has(`${org.id}/*/meta-llama/Llama-3.1-8B`)).toBe(true);
    } finally {
      await subscription.close();
    }
  });
});
