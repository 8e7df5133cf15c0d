/**
 * Budgets and rate limits enforced by TWO gateway replicas sharing one Redis, with their
 * configuration from the real local Kafka (`bash deploy/local/stack.sh up`, Redis on 6379):
 *
 * (a) a USD budget hammered concurrently through both replicas, with a slow (streaming) mock
 *     provider: the spend admitted exceeds the budget by at most the worst case of the requests in
 *     flight when it was reached;
 * (b) a requests-per-window limit of N hit by a burst through both replicas: at most N admitted.
 *
 * The figures are printed; the assertions are bounds, never timings.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus, type KafkaBusOptions } from '@optscale/bus';
import {
  accessMessageKey,
  budgetMessageKey,
  providerMessageKey,
  type AccessSnapshot,
  type BudgetSnapshot,
  type BudgetState,
  type KeySnapshot,
  type ProviderSnapshot,
  type RequestEvent,
} from '@optscale/contracts';
import { createKek, createKeyring, decryptSecret, encryptSecret } from '@optscale/database';
import { eventually, localStackEnv, startMockProvider, type MockProvider } from '@optscale/testing';
import { logLevel } from 'kafkajs';
import { generateKey, hashKey } from '../auth/key-hash';
import { startGateway, type RunningGateway } from '../bootstrap';
import { BusConfigSource } from '../config/bus-config-source';
import { providerCredentialAad } from '../config/source-from-env';
import { parseGatewayEnv } from '../gateway-env';
import { BudgetEnforcement } from './budget-enforcement';
import { PRICED_COSTS } from './cost-estimator';

const { kafkaBrokers } = localStackEnv();
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const run = randomUUID().slice(0, 8);
const prefix = `test.budgets.${run}.`;
const ORG = randomUUID();
const PROVIDER_ID = 'prov-mock';
const kek = createKek(randomBytes(32));
const keyring = createKeyring(kek);
/** The gateway's own prices: the catalog's gpt-4.1 ($2 / $8 per million tokens). */
const costs = PRICED_COSTS;
/** The test's rate-limit window: sliding, and long enough that no request of the burst leaves it. */
const RATE_WINDOW_MS = 600_000;
const MAX_TOKENS = 100;
/** What the mock reports per request: 40 in, 80 out → 40 × 2 000 + 80 × 8 000 nanodollars. */
const REAL_COST = 40n * 2_000n + 80n * 8_000n;

function busOptions(clientId: string): KafkaBusOptions {
  return {
    brokers: kafkaBrokers,
    clientId,
    topicPrefix: prefix,
    sessionTimeoutMs: 6000,
    rebalanceTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    maxWaitTimeMs: 100,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 3 },
    logLevel: logLevel.NOTHING,
  };
}

interface Replica {
  gateway: RunningGateway;
  budgets: BudgetEnforcement;
  base: string;
}

async function startReplica(name: string, dataDir: string): Promise<Replica> {
  const bus = new KafkaBus(busOptions(`budgets-${name}`));
  const source = new BusConfigSource({
    bus,
    decrypt: (envelope, provider) =>
      decryptSecret(envelope, keyring, { aad: providerCredentialAad(provider.id) }),
    closeBus: true,
    log: () => undefined,
  });
  const budgets = new BudgetEnforcement({
    bus,
    redisUrl: REDIS_URL,
    costs,
    rateWindowMs: RATE_WINDOW_MS,
    keyPrefix: `test:${run}:`,
    log: () => undefined,
  });
  const gateway = await startGateway(
    parseGatewayEnv({
      PORT: '0',
      OPTSCALE_DATA_DIR: join(dataDir, name),
      OPTSCALE_REQUEST_LOG: 'false',
      SHUTDOWN_GRACE_MS: '500',
    }),
    source,
    { budgets },
  );
  return { gateway, budgets, base: `${gateway.url}/llm_proxy/${ORG}` };
}

const budget = (
  overrides: Partial<BudgetSnapshot> & Pick<BudgetSnapshot, 'id' | 'scope' | 'scopeId'>,
): BudgetSnapshot => ({
  organizationId: ORG,
  name: overrides.id,
  amountUsd: null,
  period: 'monthly',
  resetMode: 'calendar',
  requestsPerMinute: null,
  tokensPerMinute: null,
  active: true,
  updatedAt: new Date().toISOString(),
  ...overrides,
});

describe('budgets across two gateway replicas (Redis + Kafka)', () => {
  let mock: MockProvider;
  let publisher: KafkaBus;
  let replicas: Replica[];
  let dataDir: string;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    mock = await startMockProvider('openai', { apiKey: 'sk-mock', record: false });
    mock.setDefault({
      kind: 'text',
      text: 'a slow and steady answer',
      firstChunkDelayMs: 150,
      chunkDelayMs: 10,
      usage: { input: 40, output: 80 },
    });
    dataDir = mkdtempSync(join(tmpdir(), 'optscale-budgets-'));
    publisher = new KafkaBus(busOptions('budgets-publisher'));
    const provider: ProviderSnapshot = {
      id: PROVIDER_ID,
      organizationId: ORG,
      name: 'mock',
      proxyName: 'mock',
      apiType: 'openai',
      baseUrl: mock.url,
      status: 'active',
      models: ['gpt-4.1'],
      position: 0,
      credential: encryptSecret('sk-mock', kek, { aad: providerCredentialAad(PROVIDER_ID) }),
    };
    await publisher.publish('optscale.config.providers.v1', providerMessageKey(ORG, 'mock'), provider);
    for (const user of ['spender', 'burster', 'claude']) {
      const access: AccessSnapshot = {
        organizationId: ORG,
        userId: user,
        email: `${user}@sunflower.example`,
        role: 'member',
        teamIds: ['team-a'],
        allowedProviders: ['mock'],
        organization: { name: 'Sunflower', currency: 'USD' },
      };
      await publisher.publish('optscale.config.access.v1', accessMessageKey(ORG, user), access);
      const plaintext = generateKey();
      const snapshot: KeySnapshot = {
        keyId: `key-${user}`,
        organizationId: ORG,
        userId: user,
        name: 'laptop',
        displayPrefix: plaintext.slice(0, 10),
        active: true,
        expiresAt: null,
      };
      await publisher.publish('optscale.config.keys.v1', hashKey(plaintext), snapshot);
      keys[user] = plaintext;
    }
    const budgets = [
      // 3.6 cents a month for the spender's key: 50 requests at their real cost.
      budget({ id: 'cent', scope: 'key', scopeId: 'key-spender', amountUsd: '0.036' }),
      budget({ id: 'ten-rpm', scope: 'user', scopeId: 'burster', requestsPerMinute: 10 }),
      budget({ id: 'claude-rpm', scope: 'user', scopeId: 'claude', requestsPerMinute: 1 }),
      // Never reached: proves every applicable scope is checked and counted.
      budget({
        id: 'team',
        scope: 'team',
        scopeId: 'team-a',
        amountUsd: '1000',
        period: 'daily',
        resetMode: 'rolling',
      }),
    ];
    for (const b of budgets)
      await publisher.publish('optscale.config.budgets.v1', budgetMessageKey(ORG, b.id), b);
    replicas = [await startReplica('a', dataDir), await startReplica('b', dataDir)];
    await eventually(
      () => {
        for (const r of replicas) {
          if (!r.gateway.runtime.isLoaded()) throw new Error('replica still loading');
          if (r.gateway.runtime.state().keysByHash.size < 3) throw new Error('keys not applied yet');
          if (r.budgets.book.size < budgets.length) throw new Error('budgets not applied yet');
        }
      },
      { timeoutMs: 30_000 },
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((r) => r.gateway.close()));
    await publisher?.close();
    await mock?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const chat = async (
    replica: Replica,
    user: string,
  ): Promise<{ status: number; body: string; headers: Headers }> => {
    const res = await fetch(`${replica.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys[user] ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4.1',
        max_tokens: MAX_TOKENS,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hello' }],
      }),
    });
    return { status: res.status, body: await res.text(), headers: res.headers };
  };

  const eventsOf = (user: string): RequestEvent[] =>
    replicas.flatMap((r) => r.gateway.runtime.recent.all().filter((e) => e.userId === user));

  it('(a) keeps the spend admitted through both replicas within the budget plus what was in flight', async () => {
    const budgetNanos = 36_000_000n;
    const concurrency = 16;
    // The worst case the gateway reserves per request: its body estimate plus max_tokens.
    const bodyBytes = Buffer.byteLength(
      JSON.stringify({
        model: 'gpt-4.1',
        max_tokens: MAX_TOKENS,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hello' }],
      }),
    );
    const worstCase = costs.worstCaseNanos(
      { organization: {}, provider: { proxyName: 'mock', apiType: 'openai' }, model: 'gpt-4.1' },
      Math.ceil(bodyBytes / 3),
      MAX_TOKENS,
    );
    let admitted = 0;
    let refused = 0;
    let waves = 0;
    let refusal: { body: string } | undefined;
    // Waves of concurrent requests, half through each replica, until a whole wave is refused.
    for (;;) {
      waves += 1;
      const results = await Promise.all(
        Array.from({ length: concurrency }, (_, i) => chat(replicas[i % 2] as Replica, 'spender')),
      );
      const ok = results.filter((r) => r.status === 200).length;
      admitted += ok;
      refused += results.length - ok;
      refusal ??= results.find((r) => r.status === 429);
      for (const r of results) expect([200, 429]).toContain(r.status);
      if (ok === 0 || waves > 20) break;
    }
    // What the record stage priced the admitted requests at (their events' cost).
    const priced = await eventually(() => {
      const ok = eventsOf('spender').filter((e) => e.status === 200);
      expect(ok).toHaveLength(admitted);
      return ok.reduce((sum, e) => sum + BigInt(e.cost?.nanos ?? 'x'), 0n);
    });
    const spent = BigInt(admitted) * REAL_COST;
    expect(priced).toBe(spent);
    const bound = budgetNanos + BigInt(concurrency) * worstCase;
    // Settlements have reached Redis once both replicas hold no reservation.
    await eventually(() => {
      if (replicas.some((r) => r.budgets.guard.inFlight > 0)) throw new Error('reservations still open');
    });
    const counted = await replicas[0]!.budgets.store.read({
      kind: 'window',
      key: `test:${run}:{${ORG}}:cent:spend:monthly:${Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)}`,
      expireAtMs: 0,
    });
    process.stdout.write(
      `[budgets] (a) budget ${budgetNanos} n$, worst case ${worstCase} n$/request, real ${REAL_COST} n$/request; ` +
        `${waves} waves of ${concurrency}: admitted ${admitted} (${spent} n$ spent), refused ${refused}; ` +
        `Redis counter after settlement ${counted} n$; bound ${bound} n$\n`,
    );
    expect(spent).toBeLessThanOrEqual(bound);
    // The budget was used, not refused early: less than one wave's worst case left unspent.
    expect(spent).toBeGreaterThan(budgetNanos - BigInt(concurrency) * worstCase);
    expect(counted).toBe(spent);
    expect(refused).toBeGreaterThan(0);
    const body = JSON.parse(refusal?.body ?? '{}') as { error?: { type?: string; message?: string } };
    expect(body.error?.type).toBe('insufficient_quota');
    expect(body.error?.message).toMatch(
      /budget "cent" \(key key-spender\) of \$0\.036 per month \(calendar\)/,
    );
    await eventually(() => {
      const events = eventsOf('spender');
      expect(events.filter((e) => e.status === 429).every((e) => e.errorType === 'budget_exceeded')).toBe(
        true,
      );
      expect(events.filter((e) => e.errorType === 'budget_exceeded')).toHaveLength(refused);
    });
  });

  it('(b) admits at most N requests per window through both replicas', async () => {
    const limit = 10;
    const burst = 40;
    const results = await Promise.all(
      Array.from({ length: burst }, (_, i) => chat(replicas[i % 2] as Replica, 'burster')),
    );
    const admitted = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 429);
    const perReplica = [0, 1].map((i) => results.filter((r, j) => j % 2 === i && r.status === 200).length);
    process.stdout.write(
      `[budgets] (b) limit ${limit} per window, burst ${burst} over 2 replicas: admitted ${admitted} ` +
        `(replica a ${perReplica[0]}, b ${perReplica[1]}), refused ${refused.length}\n`,
    );
    expect(admitted).toBeLessThanOrEqual(limit);
    expect(admitted).toBeGreaterThan(0);
    expect(admitted + refused.length).toBe(burst);
    const first = refused[0];
    expect(Number(first?.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = JSON.parse(first?.body ?? '{}') as {
      error?: { type?: string; code?: string; message?: string };
    };
    expect(body.error?.type).toBe('rate_limit_exceeded');
    expect(body.error?.code).toBe('rate_limit_requests');
    expect(body.error?.message).toMatch(/rate limit of 10 requests per minute of "ten-rpm" \(user burster\)/);
    await eventually(() => {
      expect(eventsOf('burster').filter((e) => e.errorType === 'rate_limited')).toHaveLength(refused.length);
    });
  });

  it('refuses in the Anthropic dialect on the Anthropic surface', async () => {
    const send = (): Promise<Response> =>
      fetch(`${replicas[1]!.base}/anthropic/v1/messages`, {
        method: 'POST',
        headers: {
          'x-api-key': keys['claude'] ?? '',
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
        },
        body: JSON.stringify({
          model: 'gpt-4.1',
          max_tokens: 50,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
    const first = await send();
    await first.arrayBuffer();
    expect(first.status).toBe(200);
    const second = await send();
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).not.toBeNull();
    const body = (await second.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('rate_limit_error');
    expect(body.error.message).toMatch(/claude-rpm/);
  });

  it('takes the spend the cost aggregator published as a floor: a fresh counter still refuses', async () => {
    const floored = budget({ id: 'floored', scope: 'key', scopeId: 'key-burster', amountUsd: '1' });
    await publisher.publish('optscale.config.budgets.v1', budgetMessageKey(ORG, floored.id), floored);
    const now = new Date();
    const state: BudgetState = {
      organizationId: ORG,
      budgetId: floored.id,
      scope: 'key',
      scopeId: 'key-burster',
      windowStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
      windowEnd: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
      spentNanos: '999999999',
      updatedAt: now.toISOString(),
    };
    await publisher.publish('optscale.budget.state.v1', budgetMessageKey(ORG, floored.id), state);
    await eventually(
      () => {
        for (const r of replicas)
          expect(r.budgets.book.stateOf(ORG, floored.id)?.spentNanos).toBe('999999999');
      },
      { timeoutMs: 15_000 },
    );
    const refused = await chat(replicas[0] as Replica, 'burster');
    expect(refused.status).toBe(429);
    expect((JSON.parse(refused.body) as { error: { message: string } }).error.message).toMatch(
      /"floored" \(key key-burster\) of \$1 per month \(calendar\) is exhausted: \$0\.999999999 spent/,
    );
  });
});
