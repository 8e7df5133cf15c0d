/**
 * The trace collector (distributed mode): consumes the gateways' request events (group
 * `trace-collector`), writes them to ClickHouse `traces` idempotently, committing only after the
 * insert, and serves the Traces API. Env: the control plane's (Postgres for admin sessions, Kafka)
 * plus CLICKHOUSE_URL, CLICKHOUSE_DATABASE, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD(_FILE); PORT 8084.
 */
import { createTraceService, runAnalyticsService } from '@optscale/trace-service';

runAnalyticsService({
  name: 'trace-collector',
  defaultPort: 8084,
  createUnit: (context, clickhouse) => createTraceService(context, { clickhouse }),
}).catch((error: unknown) => {
  process.stderr.write(`trace-collector failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
