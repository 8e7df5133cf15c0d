import { z } from 'zod';

/*
 * `optscale.config.policies.v1`, message key = `<organization id>/<policy id>` (`policyMessageKey`).
 * Published by `policy`: one policy with its linked guardrails embedded (PRODUCT.md 4.7, 4.8), so a
 * gateway needs nothing else to evaluate it. A guardrail linked from several policies travels in
 * each. A tombstone deletes the policy; `enabled: false` keeps it but it runs nothing. Same
 * rolling-deploy rule as the other config snapshots: fields are only added, as optional.
 */

const id = z.string().min(1);

export const POLICY_STAGES = ['input', 'output', 'both'] as const;
export type PolicyStage = (typeof POLICY_STAGES)[number];

export const GUARDRAIL_ACTIONS = ['redact', 'block', 'warn'] as const;
export type GuardrailAction = (typeof GUARDRAIL_ACTIONS)[number];

/** What kind of request a policy applies to (`request_type` in conditions). */
export const REQUEST_TYPES = ['chat_completion', 'responses', 'embeddings', 'count_tokens'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const PII_ENTITIES = ['CREDIT_CARD', 'EMAIL', 'PHONE', 'IBAN', 'US_SSN', 'IP_ADDRESS'] as const;
export type PiiEntity = (typeof PII_ENTITIES)[number];

/** A custom regular expression (checked for catastrophic backtracking when saved). */
const customPattern = z.object({ name: z.string().regex(/^[A-Z][A-Z0-9_]*$/), pattern: z.string().min(1) });

/** Type-specific settings, discriminated by the guardrail's type. */
export const guardrailSettingsSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('pii'),
    entities: z.array(z.enum(PII_ENTITIES)),
    customPatterns: z.array(customPattern),
  }),
  z.object({ type: z.literal('secrets') }),
  z.object({
    type: z.literal('ban_topics'),
    /** Whole words or phrases, matched case-insensitively. */
    keywords: z.array(z.string().min(1)),
    /** Topic names, each with the terms that signal it. */
    topics: z.array(z.object({ name: z.string().min(1), terms: z.array(z.string().min(1)).min(1) })),
  }),
  z.object({ type: z.literal('invisible_text') }),
  z.object({ type: z.literal('prompt_injection') }),
  z.object({ type: z.literal('jailbreak') }),
  z.object({ type: z.literal('code_injection') }),
  z.object({
    type: z.literal('token_limit'),
    /** A hard limit on the text's tokens (estimated), not a score. */
    limit: z.number().int().positive(),
  }),
]);
export type GuardrailSettings = z.infer<typeof guardrailSettingsSchema>;
export type GuardrailType = GuardrailSettings['type'];
export const GUARDRAIL_TYPES = [
  'pii',
  'secrets',
  'ban_topics',
  'invisible_text',
  'prompt_injection',
  'jailbreak',
  'code_injection',
  'token_limit',
] as const satisfies readonly GuardrailType[];

export const guardrailSnapshotSchema = z.object({
  id,
  name: z.string().min(1),
  stage: z.enum(POLICY_STAGES),
  /** 0..1: a finding scoring at or above it is a violation (unused by token_limit). */
  threshold: z.number().min(0).max(1),
  action: z.enum(GUARDRAIL_ACTIONS),
  settings: guardrailSettingsSchema,
});
export type GuardrailSnapshot = z.infer<typeof guardrailSnapshotSchema>;

export const policySnapshotSchema = z.object({
  id,
  organizationId: id,
  name: z.string().min(1),
  enabled: z.boolean(),
  /** A CEL expression over the request (same variables as routing rules); empty means always. */
  condition: z.string(),
  stage: z.enum(POLICY_STAGES),
  /** 0..1: the share of matching requests evaluated; the rest are bypassed (and recorded as such). */
  samplingRate: z.number().min(0).max(1),
  timeoutMs: z.number().int().positive(),
  /** On timeout: true lets the request proceed, false fails it. */
  passOnTimeout: z.boolean(),
  /** Empty: every request type. */
  requestTypes: z.array(z.enum(REQUEST_TYPES)),
  /** Redaction placeholders are restored in the response, so the user sees their own data. */
  reversibleRedaction: z.boolean(),
  guardrails: z.array(guardrailSnapshotSchema),
});
export type PolicySnapshot = z.infer<typeof policySnapshotSchema>;

export function policyMessageKey(organizationId: string, policyId: string): string {
  return `${organizationId}/${policyId}`;
}
