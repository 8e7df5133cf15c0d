import { InProcessBus, type Bus } from '@optscale/bus';
import type { EncryptedSecret } from '@optscale/contracts';
import { eventually } from '@optscale/testing';
import { accessSnapshot, keyHashOf, keySnapshot, ORG, providerSnapshot } from './__fixtures__/snapshots';
import { BusConfigSource } from './bus-config-source';

const credential: EncryptedSecret = {
  alg: 'AES-256-GCM',
  keyId: 'kek-test',
  iv: 'AAAAAAAAAAAAAAAA',
  tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
  ciphertext: Buffer.from('sk-upstream').toString('base64'),
};
const HASH = keyHashOf('b');

async function seed(bus: Bus): Promise<void> {
  await bus.publish('optscale.config.access.v1', `${ORG}/user-1`, accessSnapshot());
  await bus.publish('optscale.config.providers.v1', `${ORG}/openai`, providerSnapshot({ credential }));
  await bus.publish('optscale.config.keys.v1', HASH, keySnapshot());
}

describe('BusConfigSource', () => {
  let bus: InProcessBus;
  let source: BusConfigSource;
  let decrypts: number;
  const lines: string[] = [];

  beforeEach(() => {
    bus = new InProcessBus();
    decrypts = 0;
    lines.length = 0;
    source = new BusConfigSource({
      bus,
      decrypt: (e) => {
        decrypts += 1;
        if (e.keyId !== 'kek-test') throw new Error(`no key with id ${e.keyId} in the keyring`);
        return Buffer.from(e.ciphertext, 'base64').toString('utf8');
      },
      log: (line) => lines.push(line),
    });
  });
  afterEach(async () => {
    await source.close();
    await bus.close();
  });

  it('is not ready and empty before it loads, then holds everything already on the topics', async () => {
    await seed(bus);
    expect(source.readiness().ready).toBe(false);
    expect(source.state().keysByHash.size).toBe(0);
    await source.start();
    expect(source.readiness()).toMatchObject({
      ready: true,
      degraded: false,
      detail: { connected: true, organizations: 1, keys: 1, undecryptableCredentials: 0 },
    });
    expect(source.state().keysByHash.get(HASH)?.organization.providers.get('openai')?.apiKey).toBe(
      'sk-upstream',
    );
    // One build for the whole replay, not one per message.
    expect(decrypts).toBe(1);
  });

  it('applies changes and tombstones after loading, coalescing a burst into one rebuild', async () => {
    await seed(bus);
    await source.start();
    const before = source.state();
    decrypts = 0;
    await Promise.all([
      bus.publish('optscale.config.keys.v1', HASH, keySnapshot({ active: false })),
      bus.publish('optscale.config.keys.v1', keyHashOf('c'), keySnapshot({ keyId: 'key-2' })),
      bus.publish(
        'optscale.config.providers.v1',
        `${ORG}/openai`,
        providerSnapshot({ credential, position: 3 }),
      ),
    ]);
    await eventually(() => expect(source.state().keysByHash.get(HASH)?.active).toBe(false));
    expect(source.state().keysByHash.size).toBe(2);
    expect(decrypts).toBe(1);
    // The old state object was never mutated: requests in flight keep what they started with.
    expect(before.keysByHash.get(HASH)?.active).toBe(true);

    await bus.publish('optscale.config.keys.v1', HASH, null);
    await eventually(() => expect(source.state().keysByHash.has(HASH)).toBe(false));
  });

  it("swaps in the router's health verdicts without rebuilding the organizations", async () => {
    await seed(bus);
    const verdict = (state: 'open' | 'closed', openUntil: string | null) => ({
      organizationId: ORG,
      provider: 'openai',
      model: 'org/model:tag',
      state,
      openUntil,
      failureRate: state === 'open' ? 1 : 0,
      requests: state === 'open' ? 10 : 0,
      updatedAt: '2025-06-01T12:00:00.000Z',
    });
    const key = `${ORG}/openai/org/model:tag`;
    await bus.publish('optscale.router.health.v1', key, verdict('open', '2025-06-01T12:00:30.000Z'));
    await source.start();
    const openUntil = Date.parse('2025-06-01T12:00:30.000Z');
    expect(source.state().targetHealth.get(ORG)?.get('openai/org/model:tag')).toEqual({ openUntil });

    const organization = source.state().organizations.get(ORG);
    await bus.publish('optscale.router.health.v1', key, verdict('closed', null));
    await eventually(() => expect(source.state().targetHealth.size).toBe(0));
    // Same organization object: compiled rules and policies survive a verdict.
    expect(source.state().organizations.get(ORG)).toBe(organization);

    await bus.publish('optscale.router.health.v1', key, verdict('open', '2999-01-01T00:00:00.000Z'));
    await eventually(() => expect(source.readiness().detail).toMatchObject({ openTargets: 1 }));
  });

  it('counts credentials it cannot decrypt and invalid messages, and reports them', async () => {
    await seed(bus);
    await bus.publish(
      'optscale.config.providers.v1',
      `${ORG}/other`,
      providerSnapshot({
        id: 'prov-other',
        proxyName: 'other',
        credential: { ...credential, keyId: 'kek-gone' },
      }),
    );
    await bus.publishRaw('optscale.config.keys.v1', keyHashOf('d'), Buffer.from('{"not":"a key"}'));
    await source.start();
    expect(source.readiness()).toMatchObject({
      ready: true,
      degraded: true,
      detail: { undecryptableCredentials: 1, undecryptableProviders: ['prov-other'], invalidMessages: 1 },
    });
    expect(lines.join('\n')).toMatch(/cannot decrypt the credential of provider\(s\) prov-other/);
    expect(lines.join('\n')).not.toContain('sk-upstream');
  });

  it('stays ready but degraded while the bus is disconnected', async () => {
    await source.start();
    const disconnected: Bus = Object.assign(Object.create(bus) as Bus, {
      health: () => ({
        adapter: 'in-process' as const,
        connected: false,
        lastError: { message: 'down', at: 'now' },
      }),
    });
    const degraded = new BusConfigSource({ bus: disconnected, decrypt: () => '', log: () => undefined });
    try {
      await degraded.start();
      expect(degraded.readiness()).toMatchObject({
        ready: true,
        degraded: true,
        detail: { connected: false, lastError: { message: 'down' } },
      });
    } finally {
      await degraded.close();
    }
  });

  it('stops applying changes once closed', async () => {
    await source.start();
    await source.close();
    await expect(bus.publish('optscale.config.keys.v1', HASH, keySnapshot())).resolves.toBeUndefined();
    expect(source.state().keysByHash.size).toBe(0);
  });
});
