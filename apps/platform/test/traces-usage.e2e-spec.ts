/**
 * Traces and usage on the embedded platform (`npm start`: chDB and the in-process bus): requests
 * through the gateway appear in the Traces API (list, detail) and in the Usage API (totals, CSV
 * export) served on the platform's one port, with the spend of the traces equal to the usage totals;
 * another organization's admin sees none of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startMockProvider, type MockProvider } from '@optscale/testing';
import { freePort, startPlatform, stop, type Started } from './support/platform';

const N = 6;

describe('traces and usage on the embedded platform', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'optscale-traces-'));
  let running: Started | undefined;
  let mock: MockProvider;

  afterAll(async () => {
    await stop(running);
    await mock?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves every request as a trace and counts it in the usage totals', async () => {
    mock = await startMockProvider('openai', { apiKey: 'sk-upstream-mock-0002', models: ['gpt-4.1'] });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // The installation token, to create a second organization for the isolation check.
    const bootstrap = 'traces-usage-e2e-bootstrap-token-0001';
    process.env['OPTSCALE_BOOTSTRAP_TOKEN'] = bootstrap;
    running = await startPlatform(dataDir, port);
    delete process.env['OPTSCALE_BOOTSTRAP_TOKEN'];
    const out = running.output();
    const orgId = /Organization "[^"]+" \(([0-9a-f-]{36})\)/.exec(out)?.[1] ?? '';
    const key = /Virtual key: +(\S+)/.exec(out)?.[1] ?? '';
    const login = /"email":"([^"]+)","password":"([^"]+)"/.exec(out);
    const { token, user } = (await (
      await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: login?.[1], password: login?.[2] }),
      })
    ).json()) as { token: string; user: { id: string } };
    const get = async (path: string): Promise<Response> =>
      fetch(`${base}/api/v1/organizations/${orgId}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const send = async (method: string, path: string, body: unknown): Promise<void> => {
      const res = await fetch(`${base}/api/v1/organizations/${orgId}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    };
    await send('POST', '/providers', {
      name: 'Mock OpenAI',
      proxy_name: 'mock',
      api_type: 'openai',
      base_url: mock.url,
      api_key: 'sk-upstream-mock-0002',
      models: ['gpt-4.1'],
    });
    await send('PUT', `/users/${user.id}/allowed-providers`, {
      providers: ['openai', 'anthropic', 'ollama', 'mock'],
    });

    const requestIds: string[] = [];
    for (let i = 0; i < N; i++) {
      const res = await eventually(
        async () => {
          const r = await fetch(`${base}/llm_proxy/${orgId}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'mock/gpt-4.1', messages: [{ role: 'user', content: `hi ${i}` }] }),
          });
          expect(r.status).toBe(200);
          return r;
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      requestIds.push(res.headers.get('x-request-id') ?? '');
      await res.text();
    }

    const list = await eventually(
      async () => {
        const body = (await (await get('/traces?range=1d&sort=time&order=asc')).json()) as {
          total: number;
          items: { request_id: string }[];
          summary: { estimated_spend: { nanos: string } };
        };
        expect(body.total).toBe(N);
        return body;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(list.items.map((t) => t.request_id)).toEqual(requestIds);

    const detailRes = await get(`/traces/${requestIds[0] ?? ''}`);
    expect(detailRes.status).toBe(200);
    const detail = (await detailRes.json()) as Record<string, unknown>;
    expect(detail).toMatchObject({ request_id: requestIds[0], provider: 'mock', status: 200, stream: false });

    const usage = await eventually(
      async () => {
        const body = (await (await get('/usage/totals?range=1d')).json()) as {
          totals: { requests: number; estimated_spend: { nanos: string } };
          ingest_watermark: string | null;
        };
        expect(body.totals.requests).toBe(N);
        return body;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(usage.totals.estimated_spend.nanos).toBe(list.summary.estimated_spend.nanos);
    expect(usage.ingest_watermark).not.toBeNull();

    // Another organization's admin sees none of it.
    const other = await fetch(`${base}/api/v1/organizations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bootstrap}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Other',
        admin: { email: 'admin@other.example', name: 'Other Admin', password: 'other-admin-password-1' },
      }),
    });
    expect(other.status).toBe(201);
    const otherOrg = ((await other.json()) as { id: string }).id;
    const otherLogin = (await (
      await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@other.example', password: 'other-admin-password-1' }),
      })
    ).json()) as { token: string };
    const asOther = (path: string) =>
      fetch(`${base}/api/v1/organizations${path}`, {
        headers: { authorization: `Bearer ${otherLogin.token}` },
      });
    for (const path of [
      `/${orgId}/traces`,
      `/${orgId}/traces/${requestIds[0] ?? ''}`,
      `/${orgId}/usage/totals`,
    ]) {
      expect([403, 404]).toContain((await asOther(path)).status);
    }
    const ownTraces = (await (await asOther(`/${otherOrg}/traces`)).json()) as { total: number };
    expect(ownTraces.total).toBe(0);
    expect((await asOther(`/${otherOrg}/traces/${requestIds[0] ?? ''}`)).status).toBe(404);

    const csv = await get('/usage/export?report=models&range=1d');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]?.startsWith('provider,model,requests,')).toBe(true);
    expect(lines[1]?.startsWith(`mock,gpt-4.1,${N},`)).toBe(true);

    // Content logging is off by default: no bodies on the traces so far.
    expect(detail['content']).toBeNull();
    // Turned on, the next request's bodies are on its trace, with secrets and virtual keys scrubbed.
    const patched = await fetch(`${base}/api/v1/organizations/${orgId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content_logging: true }),
    });
    expect(patched.status).toBe(200);
    const providerKey = `sk-proj-${'Zx9Yw8Vu7T'.repeat(5)}`;
    const logged = await eventually(
      async () => {
        const r = await fetch(`${base}/llm_proxy/${orgId}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'mock/gpt-4.1',
            messages: [{ role: 'user', content: `my keys are ${providerKey} and ${key}, keep them` }],
          }),
        });
        await r.text();
        const id = r.headers.get('x-request-id') ?? '';
        const trace = await eventually(
          async () => {
            const res = await get(`/traces/${id}`);
            expect(res.status).toBe(200);
            return (await res.json()) as { content: { request: string; response: string } | null };
          },
          { timeoutMs: 10_000, intervalMs: 100 },
        );
        // The organization's flag reaches the gateway through the access snapshot: retry until it has.
        expect(trace.content).not.toBeNull();
        return trace.content as { request: string; response: string };
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(logged.request).toContain('my keys are [');
    expect(logged.request).toContain('[OPTSCALE_VIRTUAL_KEY]');
    expect(logged.request).not.toContain(providerKey);
    expect(logged.request).not.toContain(key);
    expect(logged.response).toContain('"choices"');
  }, 120_000);
});
