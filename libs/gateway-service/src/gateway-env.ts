import { parseEnv } from '@optscale/service-kit';
import { z } from 'zod';

/**
 * The gateway's environment, parsed once at boot. A bad value fails the start with the variable's
 * name, never its value.
 */
export const gatewayEnvSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * The declarative config file (organizations, providers, users, keys). Set: the state comes from
   * it. Unset: the embedded platform uses a demo organization, the gateway service the config topics.
   */
  OPTSCALE_CONFIG: z.string().optional(),
  /**
   * Kafka bootstrap brokers, comma separated (`kafka-1:9092,kafka-2:9092`): the distributed gateway
   * builds its state from the config topics there. The key-encryption key that opens provider
   * credentials comes from OPTSCALE_KEK / OPTSCALE_KEK_FILE (read by `keyringFromEnv`).
   */
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((v) => {
      const brokers = (v ?? '')
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b !== '');
      return brokers.length > 0 ? brokers : undefined;
    }),
  /** Prepended to every topic and consumer group name (several environments on one cluster). */
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  /** Shows in broker logs and quotas. */
  KAFKA_CLIENT_ID: z.string().min(1).default('optscale-gateway'),
  /** Where the embedded default keeps its data (the demo key, the request log). */
  OPTSCALE_DATA_DIR: z.string().default('./.optscale'),
  /** Largest accepted request body. Anthropic's own limit is 32 MB. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024),
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Time to the provider's response headers; non-streaming generations can take minutes. */
  UPSTREAM_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
  /** Longest silence inside a provider's response body. */
  UPSTREAM_BODY_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  UPSTREAM_CONNECTIONS_PER_ORIGIN: z.coerce.number().int().positive().default(128),
  /** Share of failed requests (0..1) in the window at which a routing target's circuit opens (requests skip it). */
  ROUTING_BREAKER_FAILURE_RATE: z.coerce.number().gt(0).max(1).default(0.5),
  /** Requests a target must have had in the window before its failure rate can open the circuit. */
  ROUTING_BREAKER_MIN_REQUESTS: z.coerce.number().int().positive().default(10),
  /** The rolling window of outcomes the failure rate is taken over. */
  ROUTING_BREAKER_WINDOW_MS: z.coerce.number().int().positive().default(30_000),
  /** How long an open circuit stays open before one trial request may probe the target again. */
  ROUTING_BREAKER_COOLDOWN_MS: z.coerce.number().int().positive().default(30_000),
  /** On shutdown, how long in-flight requests may take to finish before their connections are cut. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /**
   * Redis holding the live budget and rate-limit counters shared by every gateway replica
   * (`redis://host:6379/0`). Unset: counters in this process's memory, exact for a single process
   * (the embedded default) but per replica when there are several (docs/adr/0008).
   */
  OPTSCALE_REDIS_URL: z.string().url().optional(),
  /** Redis unreachable: `open` admits requests uncounted (readiness degraded), `closed` refuses them with 503. */
  OPTSCALE_BUDGET_FAIL_MODE: z.enum(['open', 'closed']).default('open'),
  /** Output tokens reserved against budgets for a request that sets no max_tokens. */
  OPTSCALE_BUDGET_DEFAULT_MAX_TOKENS: z.coerce.number().int().positive().default(4096),
  /** The rate-limit window in ms: a minute; only tests shorten it. */
  OPTSCALE_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /** Prefix of the gateway's Redis keys (several environments on one Redis). */
  OPTSCALE_REDIS_KEY_PREFIX: z.string().default('optscale:'),
  /**
   * Folder of the on-disk spool that keeps request events while Kafka is unreachable (replayed in
   * order when it returns, and at the next start). Default: `<data dir>/spool` for the embedded
   * platform, `<os tmpdir>/optscale-spool-<PORT>` for the distributed gateway (mount a volume there
   * to keep them across a pod's replacement).
   */
  OPTSCALE_SPOOL_DIR: z.string().min(1).optional(),
  /** Bound of the spool; when full, the newest events are dropped and counted (readiness degraded). */
  OPTSCALE_SPOOL_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024 * 1024),
  /** Write the request log to <data dir>/requests.ndjson. */
  OPTSCALE_REQUEST_LOG: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

/** Parse the environment once at boot; `NAME_FILE` supplies `NAME` from a file (mounted secrets). */
export function parseGatewayEnv(env: NodeJS.ProcessEnv = process.env): GatewayEnv {
  return parseEnv(gatewayEnvSchema, env);
}
