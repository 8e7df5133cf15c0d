import type { BudgetSnapshot, BudgetState, RequestEvent } from '@optscale/contracts';
import type { KeyRecord, OrganizationState, ProviderConnection, UserRecord } from '../config/gateway-state';
import { GatewayError } from '../pipeline/gateway-error';
import { BudgetBook } from './budget-book';
import { BudgetGuard } from './budget-guard';
import { planReservation } from './budget-plan';
import { FlatRateCostEstimator } from './cost-estimator';
import type { CounterStore } from './counter-store';
import { MemoryCounterStore } from './memory-counter-store';
import { estimateRequest } from './request-estimate';

const NOW = Date.parse('2026-11-21T10:00:30Z');
const org = { id: 'org-1' } as OrganizationState;
const user: UserRecord = {
  id: 'user-1',
  email: 'u@example.test',
  role: 'member',
  teamIds: ['team-1', 'team-2'],
  allowedProviders: new Set(['mock']),
};
const key = { id: 'key-1', organization: org, user } as KeyRecord;
const provider = { apiType: 'openai', proxyName: 'mock' } as ProviderConnection;
/** 1 000 n$ per input token, 2 000 n$ per output token. */
const costs = new FlatRateCostEstimator(1_000n, 2_000n);

const budget = (
  overrides: Partial<BudgetSnapshot> & Pick<BudgetSnapshot, 'id' | 'scope' | 'scopeId'>,
): BudgetSnapshot => ({
  organizationId: 'org-1',
  name: overrides.id,
  amountUsd: null,
  period: 'monthly',
  resetMode: 'calendar',
  requestsPerMinute: null,
  tokensPerMinute: null,
  active: true,
  updatedAt: new Date(NOW).toISOString(),
  ...overrides,
});

const event = (requestId: string, input: number, output: number, cost?: bigint): RequestEvent =>
  ({
    requestId,
    usage: {
      inputTokens: input,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: output,
      reasoningTokens: 0,
    },
    ...(cost !== undefined
      ? { cost: { nanos: cost.toString(), source: 'catalog', catalogVersion: 't' } }
      : {}),
  }) as RequestEvent;

function bookWith(...budgets: BudgetSnapshot[]): BudgetBook {
  const book = new BudgetBook();
  for (const b of budgets) book.foldBudget(`${b.organizationId}/${b.id}`, b);
  return book;
}

describe('request estimate', () => {
  it('takes the output limit the dialect names, else the default, and bytes / 3 for the input', () => {
    expect(estimateRequest({ max_tokens: 100 }, 301, 4096)).toEqual({ inputTokens: 101, outputTokens: 100 });
    expect(estimateRequest({ max_completion_tokens: 7, max_tokens: 100 }, 3, 4096).outputTokens).toBe(7);
    expect(estimateRequest({ max_output_tokens: 9 }, 3, 4096).outputTokens).toBe(9);
    expect(estimateRequest({ max_tokens: 'lots' }, 3, 4096).outputTokens).toBe(4096);
  });
});

describe('budget book', () => {
  it('lists the budgets of the key, its owner, each of their teams and the organization, in that order', () => {
    const book = bookWith(
      budget({ id: 'org', scope: 'organization', scopeId: 'org-1', amountUsd: '1' }),
      budget({ id: 'team-2', scope: 'team', scopeId: 'team-2', amountUsd: '1' }),
      budget({ id: 'other-user', scope: 'user', scopeId: 'user-2', amountUsd: '1' }),
      budget({ id: 'user', scope: 'user', scopeId: 'user-1', amountUsd: '1' }),
      budget({ id: 'key', scope: 'key', scopeId: 'key-1', amountUsd: '1' }),
      budget({ id: 'team-1', scope: 'team', scopeId: 'team-1', amountUsd: '1' }),
      budget({ id: 'off', scope: 'key', scopeId: 'key-1', amountUsd: '1', active: false }),
    );
    expect(book.budgetsFor(key).map((b) => b.id)).toEqual(['key', 'user', 'team-1', 'team-2', 'org']);
    book.foldBudget('org-1/key', null);
    expect(book.budgetsFor(key).map((b) => b.id)).toEqual(['user', 'team-1', 'team-2', 'org']);
  });
});

describe('reservation plan', () => {
  const base = { costNanos: 500n, tokens: 50, nowMs: NOW, rateWindowMs: 60_000, keyPrefix: 'p:' };

  it('keys counters by organization hash tag and window start, with sliding per-second rate buckets', () => {
    const plan = planReservation({
      ...base,
      budgets: [
        budget({
          id: 'b',
          scope: 'user',
          scopeId: 'user-1',
          amountUsd: '2.5',
          requestsPerMinute: 5,
          tokensPerMinute: 100,
        }),
      ],
      stateOf: () => undefined,
    });
    expect(plan.map((p) => [p.kind, p.check.counter.key, p.check.limit, p.check.amount])).toEqual([
      ['spend', `p:{org-1}:b:spend:monthly:${Date.parse('2026-11-01T00:00:00Z')}`, 2_500_000_000n, 500n],
      ['requests', 'p:{org-1}:b:rpm:60000', 5n, 1n],
      ['tokens', 'p:{org-1}:b:tpm:60000', 100n, 50n],
    ]);
    // Counted in the second of 10:00:30, summed from the second holding 09:59:30 on; that bucket
    // leaves the window at 10:00:31.
    expect(plan[1]?.check.counter).toEqual({
      kind: 'buckets',
      key: 'p:{org-1}:b:rpm:60000',
      bucketStartMs: Date.parse('2026-11-21T10:00:30Z'),
      oldestBucketMs: Date.parse('2026-11-21T09:59:30Z'),
      expireAtMs: Date.parse('2026-11-21T10:01:32Z'),
    });
    expect(plan[1]?.windowEndMs).toBe(Date.parse('2026-11-21T10:00:31Z'));
  });

  it('takes the published spend as a floor only for the same calendar period, or a fresh rolling total', () => {
    const calendar = budget({ id: 'c', scope: 'user', scopeId: 'user-1', amountUsd: '1' });
    const rolling = budget({
      id: 'r',
      scope: 'user',
      scopeId: 'user-1',
      amountUsd: '1',
      resetMode: 'rolling',
      period: 'daily',
    });
    const state = (windowStart: string, updatedAt: string): BudgetState => ({
      organizationId: 'org-1',
      budgetId: 'x',
      scope: 'user',
      scopeId: 'user-1',
      windowStart,
      windowEnd: windowStart,
      spentNanos: '777',
      updatedAt,
    });
    const floors = (s: BudgetState) =>
      planReservation({ ...base, budgets: [calendar, rolling], stateOf: () => s }).map((p) => p.check.floor);
    expect(floors(state('2026-11-01T00:00:00.000Z', '2026-11-21T10:00:25Z'))).toEqual([777n, 777n]);
    // Last month's total, and a rolling total older than a bucket (5 minutes), are no floor.
    expect(floors(state('2026-10-01T00:00:00.000Z', '2026-11-21T09:50:00Z'))).toEqual([0n, 0n]);
  });
});

describe('budget guard', () => {
  const body = { max_tokens: 100 };
  // 300 bytes → 100 input tokens; worst case 100 × 1 000 + 100 × 2 000 = 300 000 n$.
  const BYTES = 300;

  it('reserves the worst case, settles to the real cost, and refuses naming the budget', async () => {
    const store = new MemoryCounterStore(() => NOW);
    const guard = new BudgetGuard({
      book: bookWith(
        budget({ id: 'team', scope: 'team', scopeId: 'team-1', amountUsd: '0.0008' }),
        budget({ id: 'org', scope: 'organization', scopeId: 'org-1', amountUsd: '100' }),
      ),
      store,
      costs,
      now: () => NOW,
    });
    await guard.reserve('r1', key, provider, 'gpt', body, BYTES);
    await guard.reserve('r2', key, provider, 'gpt', body, BYTES);
    expect(guard.inFlight).toBe(2);
    // 600 000 reserved of 800 000: a third worst case does not fit.
    const refusal = await guard.reserve('r3', key, provider, 'gpt', body, BYTES).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(GatewayError);
    expect((refusal as GatewayError).kind).toBe('budget_exceeded');
    expect((refusal as GatewayError).status).toBe(429);
    expect((refusal as GatewayError).dialect.openAIType).toBe('insufficient_quota');
    expect((refusal as GatewayError).message).toBe(
      'budget "team" (team team-1) of $0.0008 per month (calendar) is exhausted: $0.0006 spent or reserved, ' +
        'this request may cost up to $0.0003',
    );
    // r1 cost 50 000 (recorded by the record stage), r2 failed upstream: 0.
    guard.emit(event('r1', 10, 20, 50_000n));
    guard.emit(event('r2', 0, 0));
    await Promise.resolve();
    expect(guard.inFlight).toBe(0);
    const [teamPlan] = planReservation({
      budgets: [budget({ id: 'team', scope: 'team', scopeId: 'team-1', amountUsd: '0.0008' })],
      stateOf: () => undefined,
      costNanos: 0n,
      tokens: 0,
      nowMs: NOW,
      rateWindowMs: 60_000,
      keyPrefix: 'optscale:',
    });
    expect(await store.read(teamPlan!.check.counter)).toBe(50_000n);
    await guard.reserve('r4', key, provider, 'gpt', body, BYTES);
  });

  it('limits requests per window with a retry-after, and settles tokens per minute to the real total', async () => {
    const guard = new BudgetGuard({
      book: bookWith(
        budget({ id: 'rpm', scope: 'key', scopeId: 'key-1', requestsPerMinute: 2, tokensPerMinute: 1000 }),
      ),
      store: new MemoryCounterStore(() => NOW),
      costs,
      now: () => NOW,
    });
    await guard.reserve('a', key, provider, 'gpt', body, BYTES);
    guard.emit(event('a', 10, 10));
    await guard.reserve('b', key, provider, 'gpt', body, BYTES);
    const refusal = (await guard
      .reserve('c', key, provider, 'gpt', body, BYTES)
      .catch((e: unknown) => e)) as GatewayError;
    expect(refusal.kind).toBe('rate_limited');
    expect(refusal.headers['retry-after']).toBe('1');
    expect(refusal.message).toBe(
      'rate limit of 2 requests per minute of "rpm" (key key-1) reached; retry after 1s',
    );
    expect(guard.readiness().detail).toEqual(expect.objectContaining({ refusedByRateLimit: 1 }));
  });

  it('fails open by default when the store is down, closed when configured, and says so in readiness', async () => {
    const down: CounterStore = {
      reserve: () => Promise.reject(new Error('connection refused')),
      add: () => Promise.reject(new Error('connection refused')),
      read: () => Promise.reject(new Error('connection refused')),
      health: () => ({ connected: false, lastError: 'connection refused' }),
      close: () => Promise.resolve(),
    };
    const book = bookWith(budget({ id: 'b', scope: 'key', scopeId: 'key-1', amountUsd: '1' }));
    const open = new BudgetGuard({ book, store: down, costs, log: () => undefined });
    await open.reserve('x', key, provider, 'gpt', body, BYTES);
    expect(open.readiness()).toEqual(
      expect.objectContaining({
        ready: true,
        degraded: true,
        detail: expect.objectContaining({ storeErrors: 1 }),
      }),
    );
    const closed = new BudgetGuard({ book, store: down, costs, failMode: 'closed', log: () => undefined });
    const refusal = (await closed
      .reserve('y', key, provider, 'gpt', body, BYTES)
      .catch((e: unknown) => e)) as GatewayError;
    expect(refusal.kind).toBe('unavailable');
    expect(refusal.status).toBe(503);
  });
});
