import type { GuardrailSnapshot } from '@optscale/contracts';

export interface Finding {
  /** CREDIT_CARD, EMAIL, PHONE, IBAN, US_SSN, IP_ADDRESS, a custom pattern's name, AWS_ACCESS_KEY, OPENAI_API_KEY,
   *  ANTHROPIC_API_KEY, GITHUB_TOKEN, SLACK_TOKEN, GOOGLE_API_KEY, STRIPE_KEY, PRIVATE_KEY, JWT, PASSWORD_IN_URL,
   *  BANNED_KEYWORD, BANNED_TOPIC, INVISIBLE_TEXT, PROMPT_INJECTION, JAILBREAK, CODE_INJECTION, TOKEN_LIMIT */
  entity: string;
  /** Character offsets in the scanned text, [start, end). For whole-text verdicts (injection score, token limit): 0..text.length. */
  start: number;
  end: number;
  /** 0..1 confidence; TOKEN_LIMIT uses 1 when over the limit. */
  score: number;
  /** For BANNED_TOPIC: the topic name; for custom patterns: the pattern name. Never the matched value. */
  label?: string;
}

export interface CompiledGuardrail {
  readonly snapshot: GuardrailSnapshot;
  /** Whether findings of this guardrail can be redacted (span-based types) or only blocked/warned (whole-text scores). */
  readonly redactable: boolean;
  /** The longest span it can match, for stream look-behind sizing (e.g. 512 for private keys, 64 for cards). */
  readonly maxMatchLength: number;
  scan(text: string): Finding[];
}

export interface GuardrailVerdict {
  guardrailId: string;
  findings: Finding[];
  /** some finding.score >= threshold (token_limit: over the limit) */
  violated: boolean;
  maxScore: number;
}

/** Invalid guardrail settings; `field` is the path inside the snapshot, e.g. `settings.customPatterns.0.pattern`. */
export class GuardrailConfigError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'GuardrailConfigError';
    this.field = field;
  }
}

/**
 * What every detector implements (internal). `pendingFrom` is what lets StreamGuard emit early: it
 * names the index from which the end of `text` could still grow into (or out of) a match once more
 * text arrives; `text.length` means nothing is pending.
 */
export interface Detector {
  readonly redactable: boolean;
  readonly maxMatchLength: number;
  scan(text: string): Finding[];
  pendingFrom(text: string): number;
}
