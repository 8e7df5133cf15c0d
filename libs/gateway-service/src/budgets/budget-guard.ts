import { nanosToUsd, type BudgetSnapshot, type RequestEvent } from '@optscale/contracts';
import type { ReadinessReport } from '@optscale/service-kit';
import type { KeyRecord, ProviderConnection } from '../config/gateway-state';
import type { RequestEventSink } from '../pipeline/extensions';
import { GatewayError } from '../pipeline/gateway-error';
import type { BudgetBook } from './budget-book';
import { planReservation, type PlannedLimit } from './budget-plan';
import { eventTokens, type CostEstimator } from './cost-estimator';
import type { CounterRef, CounterStore } from './counter-store';
import { estimateRequest } from './request-estimate';

const PERIOD_NOUN: Readonly<Record<BudgetSnapshot['period'], string>> = {
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
  quarterly: 'quarter',
  yearly: 'year',
};

/** What to do when the counter store cannot be reached (docs/adr/0008). */
export type BudgetFailMode = 'open' | 'closed';

export interface BudgetGuardOptions {
  book: BudgetBook;
  store: CounterStore;
  costs: CostEstimator;
  /** `open` (default): admit, counting nothing, readiness degraded; `closed`: refuse with 503. */
  failMode?: BudgetFailMode;
  /** Output tokens reserved for a request that sets no max_tokens. */
  defaultMaxOutputTokens?: number;
  /** The rate-limit window (default a minute; tests shorten it). */
  rateWindowMs?: number;
  keyPrefix?: string;
  now?: () => number;
  log?: (line: string) => void;
}

/** A request's reservation, until its event settles it. */
interface Reservation {
  limits: { counter: CounterRef; kind: PlannedLimit['kind'] }[];
  costNanos: bigint;
  tokens: number;
}

/**
 * The budget stage (docs/adr/0008): before the provider call it reserves the request's worst-case
 * cost and token estimate, and one request, against every budget and rate limit that applies, in
 * one atomic store operation, or refuses the request with 429 naming the limit. Once the request is
 * over (answered, failed, or cut off by the client) its event reaches this sink, and the
 * reservation is replaced by what the request really cost and consumed.
 */
export class BudgetGuard implements RequestEventSink {
  readonly name = 'budgets';
  private readonly reservations = new Map<string, Reservation>();
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private storeErrors = 0;
  private lastStoreError: { message: string; at: string } | null = null;
  private refused = { budget: 0, rate: 0 };

  constructor(private readonly options: BudgetGuardOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => console.error(`[gateway] ${line}`));
  }

  /**
   * Reserves for one request, or throws the refusal. `provider` and `model` are the route's first
   * target: a fallback to a pricier target is settled at its real cost.
   */
  async reserve(
    requestId: string,
    key: KeyRecord,
    provider: ProviderConnection,
    model: string,
    body: Record<string, unknown>,
    bodyBytes: number,
  ): Promise<void> {
    const budgets = this.options.book.budgetsFor(key);
    if (budgets.length === 0) return;
    const estimate = estimateRequest(body, bodyBytes, this.options.defaultMaxOutputTokens ?? 4096);
    const costNanos = this.options.costs.worstCaseNanos(
      { organization: key.organization, provider, model },
      estimate.inputTokens,
      estimate.outputTokens,
    );
    const tokens = estimate.inputTokens + estimate.outputTokens;
    const nowMs = this.now();
    const plan = planReservation({
      budgets,
      stateOf: (b) => this.options.book.stateOf(b.organizationId, b.id),
      costNanos,
      tokens,
      nowMs,
      rateWindowMs: this.options.rateWindowMs ?? 60_000,
      keyPrefix: this.options.keyPrefix ?? 'optscale:',
    });
    if (plan.length === 0) return;
    let result;
    try {
      result = await this.options.store.reserve(plan.map((p) => p.check));
    } catch (error) {
      this.recordStoreError(error);
      if (this.options.failMode === 'closed') {
        throw new GatewayError('unavailable', 'budgets cannot be checked right now', null, {
          'retry-after': '1',
        });
      }
      return;
    }
    if (!result.admitted) {
      const limit = plan[result.refused];
      if (limit === undefined) throw new GatewayError('internal', 'budget store named an unknown limit');
      throw this.refusal(limit, result.current, nowMs);
    }
    this.reservations.set(requestId, {
      limits: plan
        .filter((p) => p.kind !== 'requests')
        .map((p) => ({ counter: p.check.counter, kind: p.kind })),
      costNanos,
      tokens,
    });
  }

  /** The settlement: the request's event, with its real cost and usage. */
  emit(event: RequestEvent): void {
    const reservation = this.reservations.get(event.requestId);
    if (!reservation) return;
    this.reservations.delete(event.requestId);
    const realCost = this.options.costs.costNanos(event);
    const realTokens = BigInt(eventTokens(event));
    const entries = reservation.limits.map(({ counter, kind }) => ({
      counter,
      amount: kind === 'spend' ? realCost - reservation.costNanos : realTokens - BigInt(reservation.tokens),
    }));
    this.options.store.add(entries).catch((error: unknown) => {
      // The reservation stays counted until its window ends: refusing a little early, never late.
      this.recordStoreError(error);
    });
  }

  /** Requests reserved and not yet settled, for operators and tests. */
  get inFlight(): number {
    return this.reservations.size;
  }

  readiness(): ReadinessReport {
    const store = this.options.store.health();
    return {
      ready: true,
      degraded: !store.connected,
      detail: {
        budgets: this.options.book.size,
        failMode: this.options.failMode ?? 'open',
        storeConnected: store.connected,
        storeErrors: this.storeErrors,
        lastStoreError: this.lastStoreError ?? store.lastError,
        inFlightReservations: this.reservations.size,
        refusedByBudget: this.refused.budget,
        refusedByRateLimit: this.refused.rate,
      },
    };
  }

  private refusal(limit: PlannedLimit, current: bigint, nowMs: number): GatewayError {
    const { budget } = limit;
    const subject = `${budget.name !== null ? `"${budget.name}" ` : ''}(${budget.scope} ${budget.scopeId})`;
    if (limit.kind === 'spend') {
      this.refused.budget += 1;
      return new GatewayError(
        'budget_exceeded',
        `budget ${subject} of $${budget.amountUsd ?? '0'} per ${PERIOD_NOUN[budget.period]} ` +
          `(${budget.resetMode}) is exhausted: $${nanosToUsd(current)} spent or reserved, ` +
          `this request may cost up to $${nanosToUsd(limit.check.amount)}`,
        null,
        {},
        { openAIType: 'insufficient_quota', openAICode: 'insufficient_quota' },
      );
    }
    this.refused.rate += 1;
    const retryAfter = Math.max(1, Math.ceil((limit.windowEndMs - nowMs) / 1000));
    const what = limit.kind === 'requests' ? 'requests' : 'tokens';
    return new GatewayError(
      'rate_limited',
      `rate limit of ${limit.check.limit} ${what} per minute of ${subject} reached` +
        (limit.kind === 'tokens' ? ` (this request may use up to ${limit.check.amount} tokens)` : '') +
        `; retry after ${retryAfter}s`,
      null,
      { 'retry-after': String(retryAfter) },
      { openAIType: 'rate_limit_exceeded', openAICode: `rate_limit_${what}` },
    );
  }

  private recordStoreError(error: unknown): void {
    this.storeErrors += 1;
    const message = error instanceof Error ? error.message : String(error);
    if (this.lastStoreError?.message !== message)
      this.log(`budget store error (${this.options.failMode ?? 'open'}): ${message}`);
    this.lastStoreError = { message, at: new Date(this.now()).toISOString() };
  }
}
