import { z } from 'zod';

/**
 * One event per gateway request, produced by the record stage. The same payload goes to
 * `optscale.gateway.requests.v1` once the telemetry pipeline exists. Rolling-deploy rule: new fields
 * are optional (consumers of an older version must keep parsing newer events), and a breaking change
 * is a new topic version.
 */
/** One try of one target by the route stage (issue 5): what it was, what came back, why it moved on. */
export const routeAttemptSchema = z.object({
  provider: z.string(),
  model: z.string(),
  role: z.enum(['primary', 'fallback']),
  /** HTTP status from the provider; null when no response came (connection error, timeout). */
  status: z.number().int().nullable(),
  latencyMs: z.number(),
  /** Why this attempt did not end the request: `status 503`, `timeout`, `connection`, `circuit open`. Null for the one that answered. */
  error: z.string().nullable(),
});

/** What a policy did to one request, for the trace and the per-policy statistics. */
export const policyEvaluationSchema = z.object({
  policyId: z.string(),
  policyName: z.string(),
  stage: z.enum(['input', 'output']),
  /** False: bypassed by sampling (the policy applied but was not evaluated). */
  sampled: z.boolean(),
  /** Some guardrail found something (any score). */
  matched: z.boolean(),
  /** Some finding reached its guardrail's threshold. */
  violated: z.boolean(),
  /** What happened because of it: none, redacted, blocked, warned. */
  action: z.enum(['none', 'redact', 'block', 'warn']),
  timedOut: z.boolean(),
  latencyMs: z.number(),
  guardrails: z.array(
    z.object({
      guardrailId: z.string(),
      guardrailName: z.string(),
      violated: z.boolean(),
      /** Highest finding score, 0..1. */
      score: z.number(),
      /** Entities found (CREDIT_CARD, OPENAI_API_KEY...), never the values. */
      entities: z.array(z.string()),
    }),
  ),
});
export type PolicyEvaluation = z.infer<typeof policyEvaluationSchema>;
export type RouteAttempt = z.infer<typeof routeAttemptSchema>;

export const requestEventSchema = z.object({
  /** The id returned to the client in `x-request-id`. */
  requestId: z.string(),
  organizationId: z.string(),
  /** Null when the request failed before a key was authenticated. */
  keyId: z.string().nullable(),
  userId: z.string().nullable(),
  /** The provider connection's proxy name, when routing got that far. */
  provider: z.string().nullable(),
  /** The model as sent upstream. */
  model: z.string().nullable(),
  /** The model string the client sent. */
  clientModel: z.string().nullable(),
  surface: z.enum(['openai', 'anthropic', 'cursor']),
  operation: z.enum(['chat', 'responses', 'embeddings', 'count_tokens', 'models']),
  /** A short client name from the user agent: claude-code, openai-sdk, opencode, cursor, ... */
  client: z.string(),
  userAgent: z.string().nullable(),
  sessionId: z.string().nullable(),
  stream: z.boolean(),
  /** Bytes forwarded unchanged (same dialect) rather than translated. */
  passthrough: z.boolean(),
  status: z.number().int(),
  /** Error kind when status is not 2xx, e.g. `authentication`, `upstream`. */
  errorType: z.string().nullable(),
  errorMessage: z.string().nullable(),
  /**
   * Normalized usage (libs/protocol `Usage`): `inputTokens` excludes cache reads and writes (total
   * prompt = input + cacheRead + cacheWrite), `outputTokens` includes `reasoningTokens`.
   */
  usage: z.object({
    inputTokens: z.number().int(),
    cacheReadTokens: z.number().int(),
    cacheWriteTokens: z.number().int(),
    /** Of `cacheWriteTokens`, those written with a 1 hour TTL (Anthropic); absent: all 5 minute. */
    cacheWrite1hTokens: z.number().int().optional(),
    outputTokens: z.number().int(),
    reasoningTokens: z.number().int(),
  }),
  /** The key owner's team the request is attributed to (their first team); absent or null: none. */
  teamId: z.string().nullable().optional(),
  /**
   * What the request cost, priced by the gateway (libs/pricing) when it finished. Money is never a
   * binary float: `nanos` is a non-negative integer of billionths of a US dollar, as a decimal string.
   * Absent on events of gateways older than issue 4.
   */
  cost: z
    .object({
      nanos: z.string().regex(/^\d+$/, 'expected a non-negative integer string'),
      /** Where the prices came from: the built-in catalog, an organization override, or none known. */
      source: z.enum(['catalog', 'override', 'unpriced']),
      /** The pricing catalog version used (libs/pricing CATALOG_VERSION). */
      catalogVersion: z.string(),
    })
    .optional(),
  /**
   * The request and response bodies, only when the organization's content logging is on, with
   * secrets and key material already redacted by the gateway. Truncated to a bound (see `truncated`).
   */
  content: z.object({ request: z.string(), response: z.string(), truncated: z.boolean() }).optional(),
  /** The routing rule applied (issue 5), absent when none matched. */
  routing: z
    .object({ ruleId: z.string(), ruleName: z.string(), attempts: z.array(routeAttemptSchema) })
    .optional(),
  /** Every policy that applied to the request (issue 5), sampled or bypassed. */
  policies: z.array(policyEvaluationSchema).optional(),
  timings: z.object({
    /** Unix ms when the request arrived. */
    startedAt: z.number(),
    /** Time spent in the gateway itself, excluding the wait for the provider. */
    gatewayMs: z.number(),
    /** From the upstream request being sent to its response headers. */
    upstreamMs: z.number().nullable(),
    /** From arrival to the first body byte sent to the client. */
    ttftMs: z.number().nullable(),
    totalMs: z.number(),
  }),
});

export type RequestEvent = z.infer<typeof requestEventSchema>;
export type RequestSurface = RequestEvent['surface'];
export type RequestOperation = RequestEvent['operation'];
