import { guardrailSnapshotSchema, type GuardrailSnapshot } from '@optscale/contracts';
import { createBanTopicsDetector } from './detectors/ban-topics';
import { createCodeInjectionDetector } from './detectors/code-injection';
import { customPatternProblem } from './detectors/custom-patterns';
import { createInvisibleTextDetector } from './detectors/invisible-text';
import { createJailbreakDetector } from './detectors/jailbreak';
import { createPiiDetector } from './detectors/pii';
import { createPromptInjectionDetector } from './detectors/prompt-injection';
import { createSecretsDetector } from './detectors/secrets';
import { createTokenLimitDetector } from './detectors/token-limit';
import {
  GuardrailConfigError,
  type CompiledGuardrail,
  type Detector,
  type Finding,
  type GuardrailVerdict,
} from './types';

/** What compileGuardrail returns; the extra `pendingFrom` is what StreamGuard uses to emit early. */
export class CompiledDetector implements CompiledGuardrail {
  readonly redactable: boolean;
  readonly maxMatchLength: number;

  constructor(
    readonly snapshot: GuardrailSnapshot,
    private readonly detector: Detector,
  ) {
    this.redactable = detector.redactable;
    this.maxMatchLength = detector.maxMatchLength;
  }

  scan(text: string): Finding[] {
    return this.detector.scan(text).sort((a, b) => a.start - b.start || b.end - a.end);
  }

  pendingFrom(text: string): number {
    return this.detector.pendingFrom(text);
  }
}

function createDetector(settings: GuardrailSnapshot['settings']): Detector {
  switch (settings.type) {
    case 'pii':
      return createPiiDetector(settings);
    case 'secrets':
      return createSecretsDetector();
    case 'ban_topics':
      return createBanTopicsDetector(settings);
    case 'invisible_text':
      return createInvisibleTextDetector();
    case 'prompt_injection':
      return createPromptInjectionDetector();
    case 'jailbreak':
      return createJailbreakDetector();
    case 'code_injection':
      return createCodeInjectionDetector();
    case 'token_limit':
      return createTokenLimitDetector(settings.limit);
  }
}

/** Validation for the admin API at save time: the field path (e.g. 'settings.customPatterns.0.pattern') and a message. */
export function validateGuardrail(
  guardrail: GuardrailSnapshot,
): { ok: true } | { ok: false; field: string; error: string } {
  const parsed = guardrailSnapshotSchema.safeParse(guardrail);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, field: issue?.path.join('.') ?? '', error: issue?.message ?? 'invalid guardrail' };
  }
  const { settings } = parsed.data;
  if (settings.type === 'pii') {
    for (const [i, p] of settings.customPatterns.entries()) {
      const problem = customPatternProblem(p.pattern);
      if (problem !== null)
        return {
          ok: false,
          field: `settings.customPatterns.${i}.pattern`,
          error: `Pattern ${p.name} ${problem}`,
        };
    }
  }
  return { ok: true };
}

/** Throws GuardrailConfigError for invalid settings (the same checks as validateGuardrail). */
export function compileGuardrail(guardrail: GuardrailSnapshot): CompiledGuardrail {
  const result = validateGuardrail(guardrail);
  if (!result.ok) throw new GuardrailConfigError(result.field, result.error);
  return new CompiledDetector(guardrail, createDetector(guardrail.settings));
}

export function evaluateGuardrail(compiled: CompiledGuardrail, text: string): GuardrailVerdict {
  const findings = compiled.scan(text);
  const maxScore = findings.reduce((max, f) => Math.max(max, f.score), 0);
  // Token limit is a hard limit: a finding exists only when over it, whatever the threshold.
  const violated =
    compiled.snapshot.settings.type === 'token_limit'
      ? findings.length > 0
      : findings.some((f) => f.score >= compiled.snapshot.threshold);
  return { guardrailId: compiled.snapshot.id, findings, violated, maxScore };
}
