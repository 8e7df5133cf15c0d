import { KafkaBus } from '@optscale/bus';
import { createDataSource, keyringFromEnv, migrateExclusively } from '@optscale/database';
import { z } from 'zod';
import type { ControlPlaneContext } from './service-unit';

/**
 * The environment of a distributed control-plane service (apps/auth, apps/router): each app parses
 * this schema (extended with its own variables, if any) once at boot with `parseEnv`. The KEK is
 * read separately by `keyringFromEnv` (OPTSCALE_KEK or OPTSCALE_KEK_FILE, OPTSCALE_KEK_PREVIOUS...).
 */
export const controlPlaneEnvSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535),
  /** The Postgres server, `postgres://user:password@host:5432/db`. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(10),
  /** Comma-separated `host:port` list of Kafka bootstrap brokers. */
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((v) =>
      v
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  /** Prefix for every topic and group, to share one cluster between environments (default none). */
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  KAFKA_CLIENT_ID: z.string().default('optscale'),
  /** The installation administrator's token (first login, automation). At least 24 characters. */
  OPTSCALE_BOOTSTRAP_TOKEN: z.string().min(24).optional(),
  /** The gateway's public base URL, for the Connect values shown to users. */
  OPTSCALE_PUBLIC_URL: z.url().default('http://127.0.0.1:8080'),
  /** Largest admin API request body. */
  ADMIN_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** How often each publisher reconciles its topic with the database in full. */
  SNAPSHOT_RECONCILE_MS: z.coerce.number().int().positive().default(30_000),
});

export type ControlPlaneEnv = z.output<typeof controlPlaneEnvSchema>;

export interface DistributedContext {
  context: ControlPlaneContext;
  close(): Promise<void>;
}

/**
 * Connects a distributed service to its infrastructure: the Postgres server (migrated, with a lock
 * so services starting together do not race), Kafka, and the keyring. Closing disconnects both.
 */
export async function openDistributedContext(
  env: ControlPlaneEnv,
  clientId: string,
  processEnv: NodeJS.ProcessEnv = process.env,
): Promise<DistributedContext> {
  const keyring = keyringFromEnv({ env: processEnv });
  const dataSource = createDataSource({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  await dataSource.initialize();
  try {
    await migrateExclusively(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  const bus = new KafkaBus({
    brokers: env.KAFKA_BROKERS,
    clientId: `${env.KAFKA_CLIENT_ID}-${clientId}`,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
  });
  return {
    context: { dataSource, bus, keyring, publicUrl: env.OPTSCALE_PUBLIC_URL.replace(/\/+$/, '') },
    close: async () => {
      await bus.close();
      await dataSource.destroy();
    },
  };
}
