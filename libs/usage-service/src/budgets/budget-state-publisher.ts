import type { Bus, Subscription } from '@optscale/bus';
import { budgetMessageKey, type BudgetSnapshot, type BudgetState } from '@optscale/contracts';
import type { ReadinessCheck, ReadinessReport } from '@optscale/service-kit';
import { spendSql, type SpendQuery } from './spend-sql';
import { spendWindow } from './spend-window';

/** Reads spend from the analytics store: the ClickHouse client, or a fake in unit tests. */
export interface SpendReader {
  /** One scope's spend in nanodollars over the hours of the query. */
  spentNanos(query: SpendQuery): Promise<bigint>;
}

/** A SpendReader over anything with the analytics client's `query(sql)` (rows as objects). */
export function clickhouseSpendReader(client: {
  query(sql: string): Promise<readonly unknown[]>;
}): SpendReader {
  return {
    async spentNanos(query) {
      const [row] = (await client.query(spendSql(query))) as { spent?: unknown }[];
      // UInt64 arrives as a decimal string (JSON output quotes 64-bit integers); sum() of nothing is 0.
      const spent = row?.spent;
      return typeof spent === 'string' || typeof spent === 'number' || typeof spent === 'bigint'
        ? BigInt(spent)
        : 0n;
    },
  };
}

export interface BudgetStatePublisherOptions {
  bus: Bus;
  reader: SpendReader;
  /** How often every budget's spend is recomputed and published (default 5 s). */
  intervalMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * `optscale.budget.state.v1`, part of the cost aggregator (docs/adr/0008): every few seconds, the
 * spend of each active budget with an amount in its current period, summed from `usage_hourly`.
 * Gateways take it as the floor of their live counters, so a Redis that lost its data, or a fresh
 * replica without Redis, still knows what was spent. It follows `optscale.config.budgets.v1` for the
 * budgets, and tombstones the state of a budget that is deleted, deactivated or loses its amount.
 *
 * A calendar state is published when it changes; a rolling one every time, because the gateways
 * only trust a rolling total that is fresh.
 */
export class BudgetStatePublisher implements ReadinessCheck {
  readonly name = 'publisher:optscale.budget.state.v1';
  private readonly budgets = new Map<string, BudgetSnapshot>();
  private readonly published = new Map<string, string>();
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastError: { message: string; at: string } | null = null;
  private lastPublishedAt: string | null = null;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: BudgetStatePublisherOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  async start(): Promise<void> {
    this.subscription = await this.options.bus.subscribe(
      'optscale.config.budgets.v1',
      (m) => {
        if (m.value === null) this.budgets.delete(m.key);
        else this.budgets.set(m.key, m.value);
      },
      { onInvalid: (m) => this.log(`[cost-aggregator] ignoring an invalid budget message: ${m.error}`) },
    );
    await this.subscription.caughtUp();
    await this.publishOnce();
    this.timer = setInterval(() => void this.publishOnce(), this.options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.subscription?.close();
  }

  /** One pass over every budget (one at a time: a slow store never stacks passes). */
  publishOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  check(): ReadinessReport {
    return {
      ready: this.subscription !== undefined,
      degraded: this.lastError !== null,
      detail: {
        budgets: this.budgets.size,
        lastPublishedAt: this.lastPublishedAt,
        lastError: this.lastError,
      },
    };
  }

  private async pass(): Promise<void> {
    const nowMs = this.now();
    try {
      for (const [key, budget] of this.budgets) {
        if (!budget.active || budget.amountUsd === null) continue;
        const state = await this.stateOf(budget, nowMs);
        const fingerprint = `${state.windowStart}|${state.spentNanos}`;
        if (budget.resetMode === 'calendar' && this.published.get(key) === fingerprint) continue;
        await this.options.bus.publish('optscale.budget.state.v1', key, state);
        this.published.set(key, fingerprint);
      }
      for (const key of [...this.published.keys()]) {
        const budget = this.budgets.get(key);
        if (budget?.active === true && budget.amountUsd !== null) continue;
        await this.options.bus.publish('optscale.budget.state.v1', key, null);
        this.published.delete(key);
      }
      this.lastError = null;
      this.lastPublishedAt = new Date(nowMs).toISOString();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.lastError?.message !== message)
        this.log(`[cost-aggregator] cannot publish budget state: ${message}`);
      this.lastError = { message, at: new Date(nowMs).toISOString() };
    }
  }

  private async stateOf(budget: BudgetSnapshot, nowMs: number): Promise<BudgetState> {
    const { window, fromSec, toSec } = spendWindow(budget, nowMs);
    const spent = await this.options.reader.spentNanos({
      organizationId: budget.organizationId,
      scope: budget.scope,
      scopeId: budget.scopeId,
      fromSec,
      toSec,
    });
    return {
      organizationId: budget.organizationId,
      budgetId: budget.id,
      scope: budget.scope,
      scopeId: budget.scopeId,
      windowStart: new Date(window.startMs).toISOString(),
      windowEnd: new Date(window.endMs).toISOString(),
      spentNanos: spent.toString(),
      updatedAt: new Date(nowMs).toISOString(),
    };
  }
}

/** The key a state is published under (same as its budget's). */
export const budgetStateKey = budgetMessageKey;
