import type { UsageServiceExtension } from '../usage-service';
import { BudgetStatePublisher, clickhouseSpendReader } from './budget-state-publisher';

/**
 * The budget state publisher as a part of the cost aggregator unit: it reads the unit's ClickHouse
 * and publishes on the unit's bus, started and closed with it.
 */
export function budgetStateExtension(options: { intervalMs?: number } = {}): UsageServiceExtension {
  return ({ ctx, clickhouse }) => {
    const publisher = new BudgetStatePublisher({
      bus: ctx.bus,
      reader: clickhouseSpendReader(clickhouse),
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      ...(ctx.log ? { log: ctx.log } : {}),
    });
    return {
      readiness: [publisher],
      start: () => publisher.start(),
      close: () => publisher.close(),
    };
  };
}
