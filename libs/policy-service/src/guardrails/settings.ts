import type { FieldProblem } from '@optscale/admin-api';
import {
  PII_ENTITIES,
  guardrailSettingsSchema,
  type GuardrailSettings,
  type GuardrailSnapshot,
  type GuardrailType,
} from '@optscale/contracts';
import { validateGuardrail } from '@optscale/guardrails';
import { z } from 'zod';
import { snakeCase } from '../shared';

/*
 * A guardrail's type-specific settings: snake_case in the API (`custom_patterns`), the contract's
 * camelCase (`customPatterns`, with `type`) in the store and on the bus. Which keys each type takes
 * is below; a key of another type is refused rather than silently dropped.
 */

export const apiSettingsSchema = z
  .object({
    /** pii: Presidio-style entity names to detect. */
    entities: z.array(z.enum(PII_ENTITIES)).max(PII_ENTITIES.length),
    /** pii: extra regular expressions, each named in UPPER_SNAKE_CASE (checked for catastrophic backtracking). */
    custom_patterns: z
      .array(z.object({ name: z.string().min(1).max(64), pattern: z.string().min(1).max(2000) }))
      .max(100),
    /** ban_topics: words or phrases, matched case-insensitively. */
    keywords: z.array(z.string().trim().min(1).max(200)).max(1000),
    /** ban_topics: topic names with the terms that signal each. */
    topics: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(200),
          terms: z.array(z.string().trim().min(1).max(200)),
        }),
      )
      .max(200),
    /** token_limit: the hard limit on the text's (estimated) tokens. */
    limit: z.number(),
  })
  .partial()
  .strict();
export type ApiSettings = z.infer<typeof apiSettingsSchema>;

const KEYS_OF: Record<GuardrailType, readonly (keyof ApiSettings)[]> = {
  pii: ['entities', 'custom_patterns'],
  secrets: [],
  ban_topics: ['keywords', 'topics'],
  invisible_text: [],
  prompt_injection: [],
  jailbreak: [],
  code_injection: [],
  token_limit: ['limit'],
};

/** A contract path (`settings.customPatterns.0.pattern`, `threshold`) as the API's field name. */
export function apiField(path: readonly PropertyKey[] | string): string {
  const segments = typeof path === 'string' ? path.split('.') : path.map(String);
  const rest = segments[0] === 'body' ? segments.slice(1) : segments;
  return ['body', ...rest.map(snakeCase)].join('.');
}

/** The API's settings of a type as the contract's value, or the problems naming each bad field. */
export function contractSettings(
  type: GuardrailType,
  settings: ApiSettings,
): { ok: true; settings: GuardrailSettings } | { ok: false; errors: FieldProblem[] } {
  const allowed = KEYS_OF[type];
  const errors: FieldProblem[] = Object.keys(settings)
    .filter((key) => !allowed.includes(key as keyof ApiSettings))
    .map((key) => ({ field: `body.settings.${key}`, message: `not a setting of ${type} guardrails` }));
  if (errors.length > 0) return { ok: false, errors };
  const candidate =
    type === 'pii'
      ? { type, entities: settings.entities ?? [], customPatterns: settings.custom_patterns ?? [] }
      : type === 'ban_topics'
        ? { type, keywords: settings.keywords ?? [], topics: settings.topics ?? [] }
        : type === 'token_limit'
          ? { type, limit: settings.limit }
          : { type };
  const parsed = guardrailSettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({
        field: apiField(['settings', ...issue.path]),
        message: issue.message,
      })),
    };
  }
  return { ok: true, settings: parsed.data };
}

/** The contract's settings as the API shows them (without `type`, which is a field of its own). */
export function apiSettings(settings: GuardrailSettings): ApiSettings {
  switch (settings.type) {
    case 'pii':
      return { entities: settings.entities, custom_patterns: settings.customPatterns };
    case 'ban_topics':
      return { keywords: settings.keywords, topics: settings.topics };
    case 'token_limit':
      return { limit: settings.limit };
    case 'secrets':
    case 'invisible_text':
    case 'prompt_injection':
    case 'jailbreak':
    case 'code_injection':
      return {};
  }
}

/** The detectors' own checks (e.g. a custom regex that could backtrack catastrophically). */
export function detectorProblems(snapshot: GuardrailSnapshot): FieldProblem[] {
  const result = validateGuardrail(snapshot);
  return result.ok ? [] : [{ field: apiField(result.field), message: result.error }];
}
