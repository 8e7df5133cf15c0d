import { z } from 'zod';

/**
 * A policy's statistics over a window of hours (PRODUCT.md 4.7's cards). `requests` are the
 * requests the policy applied to (enabled, condition and request type matched), sampled or not;
 * each request counts once even when a `both` policy ran at input and at output.
 */
export const policyStatsSchema = z.object({
  hours: z.number().int(),
  /** Requests the policy applied to. */
  requests: z.number().int(),
  /** Of those, evaluated (sampled in). */
  requests_evaluated: z.number().int(),
  /** Evaluated requests where some guardrail found something (any score). */
  matched: z.number().int(),
  /** Evaluated requests where some finding reached its guardrail's threshold. */
  violated: z.number().int(),
  /** Evaluated requests whose evaluation hit the policy's timeout. */
  timed_out: z.number().int(),
  /** violated / requests_evaluated (0 without evaluations). */
  violation_rate: z.number(),
  /** (requests - requests_evaluated) / requests: the share skipped by sampling (0 without requests). */
  bypass_rate: z.number(),
  /** matched / requests_evaluated (0 without evaluations). */
  match_rate: z.number(),
  /** Mean evaluation latency of the evaluated requests, in ms (0 without evaluations). */
  avg_latency_ms: z.number(),
  /** Guardrails linked to the policy now. */
  linked_guardrails: z.number().int(),
});
export type PolicyStats = z.infer<typeof policyStatsSchema>;
