import { createClickHouse, migrate, type ClickHouse } from '@optscale/clickhouse';
import {
  controlPlaneEnvSchema,
  runDistributedService,
  type ControlPlaneContext,
  type ServiceUnit,
} from '@optscale/control-plane';
import type { Bus } from '@optscale/bus';
import type { ReadinessCheck } from '@optscale/service-kit';
import { z } from 'zod';

/**
 * The environment of the analytics services (apps/trace-collector, apps/cost-aggregator): the
 * control plane's (Postgres for admin sessions, Kafka) plus the ClickHouse server. The password
 * may come from `CLICKHOUSE_PASSWORD_FILE` (parseEnv reads `*_FILE` for every variable).
 */
export const analyticsEnvSchema = controlPlaneEnvSchema.extend({
  /** ClickHouse HTTP interface, e.g. `http://127.0.0.1:8123`. */
  CLICKHOUSE_URL: z.url(),
  /** The database of the analytics tables (created by the migrations if missing). */
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an identifier')
    .default('optscale'),
  CLICKHOUSE_USER: z.string().min(1).optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
});
export type AnalyticsEnv = z.output<typeof analyticsEnvSchema>;

/** `/readyz` part for the bus: ready (the service serves its API from ClickHouse), degraded while Kafka is away. */
export function busCheck(bus: Bus): ReadinessCheck {
  return {
    name: 'kafka',
    check: () => {
      const health = bus.health();
      return { ready: true, degraded: !health.connected, detail: { ...health } };
    },
  };
}

export interface AnalyticsServiceDefinition {
  /** `trace-collector`, `cost-aggregator`. */
  name: string;
  defaultPort: number;
  createUnit(context: ControlPlaneContext, clickhouse: ClickHouse): ServiceUnit;
}

/**
 * A distributed analytics service: `runDistributedService` (env, Postgres for the admin API's
 * sessions, Kafka, probes, drain on SIGTERM) plus ClickHouse, migrated once before the unit starts
 * (the migrations are idempotent, so both analytics services may run them). `/readyz` includes
 * ClickHouse and Kafka.
 */
export function runAnalyticsService(definition: AnalyticsServiceDefinition): Promise<void> {
  let clickhouse: ClickHouse | undefined;
  return runDistributedService({
    name: definition.name,
    envSchema: analyticsEnvSchema.extend({
      PORT: z.coerce.number().int().min(0).max(65535).default(definition.defaultPort),
    }),
    beforeStart: async (_context, env) => {
      clickhouse = createClickHouse({
        engine: 'server',
        url: env.CLICKHOUSE_URL,
        database: env.CLICKHOUSE_DATABASE,
        ...(env.CLICKHOUSE_USER === undefined ? {} : { user: env.CLICKHOUSE_USER }),
        ...(env.CLICKHOUSE_PASSWORD === undefined ? {} : { password: env.CLICKHOUSE_PASSWORD }),
      });
      const { applied } = await migrate(clickhouse);
      if (applied.length > 0)
        process.stdout.write(`${definition.name}: applied ClickHouse migrations ${applied.join(', ')}\n`);
    },
    createUnit: (context) => {
      const store = clickhouse;
      if (store === undefined) throw new Error('ClickHouse is opened before the unit is created');
      const unit = definition.createUnit(context, store);
      return {
        ...unit,
        readiness: [...unit.readiness, busCheck(context.bus)],
        close: async () => {
          await unit.close();
          await store.close();
        },
      };
    },
  });
}
