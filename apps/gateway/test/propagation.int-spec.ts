/**
 * The distributed topology for real: auth, router and two gateway replicas as four Node processes
 * (deploy/local/topology.cjs, what `npm run start:distributed` runs) on the local stack's Postgres and
 * Kafka. Every change goes through the admin API, as an operator would make it, and the test watches
 * both gateways until they act on it: a new key works, a revoked key is refused, a deactivated
 * provider is refused, an allowed provider removed is refused. It records how long that took on the
 * slower replica for each trial and reports p50/p99 (the figures in the closing note);
 * the assertion itself is only that every change arrives (deadline per trial), never a timing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  createScratchDatabase,
  localStackEnv,
  startMockProvider,
  type MockProvider,
  type ScratchDatabase,
} from '@optscale/testing';
import { startTopology, type Topology } from '../../../deploy/local/topology.cjs';

const TRIALS = Number(process.env['PROPAGATION_TRIALS'] ?? 20);
const DEADLINE_MS = 10_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

describe('distributed topology: admin changes reach both gateway replicas', () => {
  const { kafkaBrokers } = localStackEnv();
  const topicPrefix = `test.${randomUUID().slice(0, 8)}.`;
  const stateDir = mkdtempSync(join(tmpdir(), 'optscale-topology-'));
  const logs: string[] = [];
  let db: ScratchDatabase;
  let mock: MockProvider;
  let topology: Topology;
  let orgId: string;
  let otherOrgId: string;
  let userId: string;
  let providerId: string;
  const figures: Record<string, number[]> = {};

  const admin = async (
    base: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${topology.bootstrapToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const auth = (method: string, path: string, body?: unknown) => admin(topology.authUrl, method, path, body);
  const router = (method: string, path: string, body?: unknown) =>
    admin(topology.routerUrl, method, path, body);

  let lastAnswer = '';
  const chat = async (gateway: string, key: string, org = orgId): Promise<number> => {
    const res = await fetch(`${gateway}/llm_proxy/${org}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    lastAnswer = `${res.status} ${(await res.text()).slice(0, 300)}`;
    return res.status;
  };

  /** Milliseconds from `since` until every gateway answers `status` (polling each every 5 ms). */
  async function untilAll(key: string, status: number, since: number): Promise<number> {
    const arrivals = await Promise.all(
      topology.gatewayUrls.map(async (gateway) => {
        for (;;) {
          if ((await chat(gateway, key)) === status) return performance.now() - since;
          if (performance.now() - since > DEADLINE_MS) {
            throw new Error(
              `${gateway} did not answer ${status} within ${DEADLINE_MS} ms (last: ${lastAnswer})`,
            );
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      }),
    );
    return Math.max(...arrivals);
  }

  const record = (name: string, ms: number): void => void (figures[name] ??= []).push(ms);

  beforeAll(async () => {
    db = await createScratchDatabase('topology');
    mock = await startMockProvider('openai', {
      apiKey: 'sk-upstream-secret-0001',
      models: ['gpt-4.1'],
      record: false,
    });
    const [auth, routerPort, policy, a, b] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    topology = await startTopology({
      databaseUrl: db.url,
      kafkaBrokers: kafkaBrokers.join(','),
      stateDir,
      topicPrefix,
      ports: { auth, router: routerPort, policy, gateways: [a, b] },
      log: (line) => void logs.push(line),
    });
    const org = await auth_('POST', '/organizations', { name: 'Propagation', currency: 'USD' });
    orgId = org['id'] as string;
    otherOrgId = (await auth_('POST', '/organizations', { name: 'Other' }))['id'] as string;
    providerId = (
      await router('POST', `/organizations/${orgId}/providers`, {
        name: 'Mock OpenAI',
        proxy_name: 'mock',
        api_type: 'openai',
        base_url: mock.url,
        api_key: 'sk-upstream-secret-0001',
        models: ['gpt-4.1'],
      })
    )['id'] as string;
    userId = (
      await auth_('POST', `/organizations/${orgId}/users`, {
        email: 'dev@propagation.example',
        name: 'Dev',
        role: 'member',
        allowed_providers: ['mock'],
      })
    )['id'] as string;
    function auth_(method: string, path: string, body?: unknown) {
      return admin(topology.authUrl, method, path, body);
    }
  }, 120_000);

  afterAll(async () => {
    await topology?.stop();
    await mock?.close();
    await db?.drop();
    rmSync(stateDir, { recursive: true, force: true });
    const kafka = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await kafka.connect();
    try {
      const topics = (await kafka.listTopics()).filter((t) => t.startsWith(topicPrefix));
      if (topics.length > 0) await kafka.deleteTopics({ topics });
    } finally {
      await kafka.disconnect();
    }
    const lines = Object.entries(figures).map(
      ([name, ms]) =>
        `${name}: n=${ms.length} p50=${percentile(ms, 50).toFixed(0)} ms p99=${percentile(ms, 99).toFixed(0)} ms max=${Math.max(...ms).toFixed(0)} ms`,
    );
    process.stdout.write(`propagation to both gateways (slower replica):\n  ${lines.join('\n  ')}\n`);
  });

  it(`creates and revokes keys: each works, then is refused, on both replicas (${TRIALS} trials)`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      let since = performance.now();
      const created = await auth('POST', `/organizations/${orgId}/keys`, {
        name: `trial-${i}`,
        owner_id: userId,
      });
      const key = created['key'] as string;
      record('new key works', await untilAll(key, 200, since));
      since = performance.now();
      await auth('POST', `/organizations/${orgId}/keys/${created['id'] as string}/revoke`);
      record('revoked key refused', await untilAll(key, 401, since));
    }
  }, 300_000);

  it('refuses a deactivated provider and an allowed provider removed, on both replicas', async () => {
    const key = (await auth('POST', `/organizations/${orgId}/keys`, { name: 'steady', owner_id: userId }))[
      'key'
    ] as string;
    await untilAll(key, 200, performance.now());
    for (let i = 0; i < Math.ceil(TRIALS / 2); i++) {
      let since = performance.now();
      await router('PATCH', `/organizations/${orgId}/providers/${providerId}`, { status: 'inactive' });
      record('provider deactivated refused', await untilAll(key, 403, since));
      await router('PATCH', `/organizations/${orgId}/providers/${providerId}`, { status: 'active' });
      await untilAll(key, 200, performance.now());

      since = performance.now();
      await auth('PUT', `/organizations/${orgId}/users/${userId}/allowed-providers`, { providers: [] });
      record('allowed provider removed refused', await untilAll(key, 403, since));
      await auth('PUT', `/organizations/${orgId}/users/${userId}/allowed-providers`, { providers: ['mock'] });
      await untilAll(key, 200, performance.now());
    }
  }, 300_000);

  it("refuses a key of one organization on another organization's path", async () => {
    const key = (await auth('POST', `/organizations/${orgId}/keys`, { name: 'cross', owner_id: userId }))[
      'key'
    ] as string;
    await untilAll(key, 200, performance.now());
    for (const gateway of topology.gatewayUrls) expect(await chat(gateway, key, otherOrgId)).toBe(401);
  });

  it('reports every service ready, and the gateways never saw the upstream key in plaintext on the bus', async () => {
    for (const url of [topology.authUrl, topology.routerUrl, topology.policyUrl, ...topology.gatewayUrls]) {
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    }
    expect(logs.join('\n')).not.toContain('sk-upstream-secret-0001');
  });
});
