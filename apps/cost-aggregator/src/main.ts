/**
 * The cost aggregator (distributed mode): consumes the gateways' request events (group
 * `cost-aggregator`) for its counters and ingest watermark, and serves the Usage and Cost API from
 * ClickHouse `usage_hourly` (filled by the materialized view from `traces`). Env: the control
 * plane's plus CLICKHOUSE_URL, CLICKHOUSE_DATABASE, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD(_FILE);
 * PORT 8085.
 */
import { runAnalyticsService } from '@optscale/trace-service';
import { budgetStateExtension, createUsageService } from '@optscale/usage-service';

runAnalyticsService({
  name: 'cost-aggregator',
  defaultPort: 8085,
  // Budgets' spend per period, published on optscale.budget.state.v1 (docs/adr/0008).
  createUnit: (context, clickhouse) => createUsageService(context, { clickhouse }, [budgetStateExtension()]),
}).catch((error: unknown) => {
  process.stderr.write(`cost-aggregator failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
