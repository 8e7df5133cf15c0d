import type { Bus, Subscription } from '@optscale/bus';
import type { ReadinessCheck } from '@optscale/service-kit';
import { BudgetBook } from './budget-book';
import { BudgetGuard, type BudgetFailMode } from './budget-guard';
import type { CostEstimator } from './cost-estimator';
import type { CounterStore } from './counter-store';
import { MemoryCounterStore } from './memory-counter-store';
import { RedisCounterStore } from './redis-counter-store';

export interface BudgetEnforcementOptions {
  /** Where `optscale.config.budgets.v1` and `optscale.budget.state.v1` are read. */
  bus: Bus;
  /** Shared counters of every replica; unset: this process's memory (the embedded default). */
  redisUrl?: string;
  /** A store to use instead (tests). */
  store?: CounterStore;
  costs: CostEstimator;
  failMode?: BudgetFailMode;
  defaultMaxOutputTokens?: number;
  rateWindowMs?: number;
  keyPrefix?: string;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * Budgets and rate limits of one gateway replica: the budget book folded from the bus, the counter
 * store (Redis when shared, memory otherwise), and the guard the pipeline calls. `start` resolves
 * once both topics are caught up, so a replica never serves before it knows the budgets.
 */
export class BudgetEnforcement {
  readonly book = new BudgetBook();
  readonly guard: BudgetGuard;
  readonly store: CounterStore;
  readonly readinessCheck: ReadinessCheck;
  private subscriptions: Subscription[] = [];
  private started: Promise<void> | undefined;
  private invalidMessages = 0;

  constructor(private readonly options: BudgetEnforcementOptions) {
    this.store =
      options.store ??
      (options.redisUrl !== undefined
        ? new RedisCounterStore({ url: options.redisUrl })
        : new MemoryCounterStore());
    this.guard = new BudgetGuard({
      book: this.book,
      store: this.store,
      costs: options.costs,
      ...(options.failMode !== undefined ? { failMode: options.failMode } : {}),
      ...(options.defaultMaxOutputTokens !== undefined
        ? { defaultMaxOutputTokens: options.defaultMaxOutputTokens }
        : {}),
      ...(options.rateWindowMs !== undefined ? { rateWindowMs: options.rateWindowMs } : {}),
      ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
      ...(options.log !== undefined ? { log: options.log } : {}),
    });
    this.readinessCheck = {
      name: 'budgets',
      check: () => {
        const report = this.guard.readiness();
        return { ...report, detail: { ...report.detail, invalidMessages: this.invalidMessages } };
      },
    };
  }

  start(): Promise<void> {
    this.started ??= this.load();
    return this.started;
  }

  async close(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.allSettled(subscriptions.map((s) => s.close()));
    await this.store.close();
  }

  private async load(): Promise<void> {
    if (this.store instanceof RedisCounterStore) await this.store.connect();
    const onInvalid = (): void => {
      this.invalidMessages += 1;
    };
    const { bus } = this.options;
    this.subscriptions.push(
      await bus.subscribe('optscale.config.budgets.v1', (m) => this.book.foldBudget(m.key, m.value), {
        onInvalid,
      }),
      await bus.subscribe('optscale.budget.state.v1', (m) => this.book.foldState(m.key, m.value), {
        onInvalid,
      }),
    );
    await Promise.all(this.subscriptions.map((s) => s.caughtUp()));
  }
}
