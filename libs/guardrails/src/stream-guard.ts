import { CompiledDetector } from './compile';
import { countChars, tokensOf, type TokenCounts } from './detectors/token-limit';
import { mergeFindings, redactText } from './redact';
import type { CompiledGuardrail, Finding } from './types';

export interface StreamViolation {
  guardrailId: string;
  entity: string;
  action: 'block' | 'warn';
}

export interface StreamGuardOptions {
  placeholder: (entity: string, value: string) => string;
  /** Upper bound on the text held back at any time (default 256). */
  maxHoldChars?: number;
}

type Effective = 'redact' | 'block' | 'warn';

const DEFAULT_MAX_HOLD = 256;
const PEM_END = /-----END (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY-----/;
const KEY_BODY = /^[A-Za-z0-9+/=\r\n]*/;

/**
 * Output guardrails on a stream of text deltas: keeps a bounded look-behind buffer (max over guardrails' maxMatchLength, capped,
 * e.g. 256 chars by default; private keys are handled by recognising the BEGIN line and holding until END or the cap) so that a
 * value split across chunks is still found. push() returns the text now safe to emit (already redacted) or a violation (block);
 * end() flushes the rest. Emits as early as possible: only the tail that could still be the start of a match is held back.
 *
 * How: `pending` is text received but not emitted. Each push scans `context + pending`, where
 * `context` is the raw tail of emitted text (so word-boundary look-behinds see what whole-text
 * scanning would see), asks every detector how much of the tail is still undecided (`pendingFrom`),
 * and emits the rest with its findings redacted. Whole-text scores (injection, jailbreak, code) are
 * computed over that window, so signals further apart than the window do not combine; a redact
 * action on them acts as warn, as everywhere. A PEM key longer than the cap is redacted up to the
 * cap and its remaining body swallowed up to the END line, so no key material leaks.
 */
export class StreamGuard {
  private readonly placeholder: (entity: string, value: string) => string;
  private readonly maxHold: number;
  private readonly contextChars: number;
  private pending = '';
  private context = '';
  /** Characters of the emitted text, for the token limit (the estimate is additive over these counts). */
  private readonly emittedCounts: TokenCounts = { cjk: 0, other: 0 };
  private blocked: StreamViolation | undefined;
  private readonly reported = new Set<string>();
  private readonly warnings: StreamViolation[] = [];
  private swallowingKey = false;

  constructor(
    private readonly guardrails: readonly CompiledGuardrail[],
    options: StreamGuardOptions,
  ) {
    this.placeholder = options.placeholder;
    const longest = Math.max(1, ...guardrails.filter((g) => g.redactable).map((g) => g.maxMatchLength));
    this.maxHold = Math.max(1, Math.min(options.maxHoldChars ?? DEFAULT_MAX_HOLD, longest));
    const scoredSpan = Math.max(0, ...guardrails.filter((g) => !g.redactable).map((g) => g.maxMatchLength));
    this.contextChars = Math.min(1024, Math.max(64, scoredSpan));
  }

  push(delta: string): { text: string; violation?: StreamViolation } {
    if (this.blocked !== undefined) return { text: '', violation: this.blocked };
    this.pending += delta;
    return this.process(false);
  }

  end(): { text: string; violation?: StreamViolation } {
    if (this.blocked !== undefined) return { text: '', violation: this.blocked };
    return this.process(true);
  }

  private effective(g: CompiledGuardrail): Effective {
    // A whole-text score has no span to redact: redact on such a guardrail records, like warn.
    return g.snapshot.action === 'redact' && !g.redactable ? 'warn' : g.snapshot.action;
  }

  private process(final: boolean): { text: string; violation?: StreamViolation } {
    if (this.swallowingKey && !this.swallowKeyBody(final)) return this.result('');
    const window = this.context + this.pending;
    const offset = this.context.length;
    const capFloor = final ? this.pending.length : Math.max(0, this.pending.length - this.maxHold);

    let emitEnd = this.pending.length;
    if (!final) {
      for (const g of this.guardrails) {
        if (!g.redactable && this.effective(g) !== 'block') continue;
        const from =
          g instanceof CompiledDetector
            ? g.pendingFrom(window)
            : window.length - Math.max(0, g.maxMatchLength - 1);
        emitEnd = Math.min(emitEnd, from - offset);
      }
      // Never split a surrogate pair across emissions.
      if (/[\uD800-\uDBFF]$/.test(this.pending)) emitEnd = Math.min(emitEnd, this.pending.length - 1);
      emitEnd = Math.max(emitEnd, capFloor, 0);
    }

    const toRedact: Finding[] = [];
    const blocks: { at: number; violation: StreamViolation }[] = [];
    for (const g of this.guardrails) {
      const action = this.effective(g);
      const settings = g.snapshot.settings;
      if (settings.type === 'token_limit') {
        const at = this.tokenLimitCrossing(settings.limit);
        if (at !== undefined) this.flag(g, action, 'TOKEN_LIMIT', at, blocks);
        continue;
      }
      for (const f of g.scan(window)) {
        if (f.score < g.snapshot.threshold) continue;
        if (!g.redactable) {
          this.flag(g, action, f.entity, 0, blocks);
          continue;
        }
        if (f.start < offset) continue; // emitted (and redacted) before
        const span = { ...f, start: f.start - offset, end: f.end - offset };
        if (action === 'redact') toRedact.push(span);
        // Act on a span once it is settled (not in the held tail) or about to be emitted.
        else if (span.end <= emitEnd || span.start < emitEnd)
          this.flag(g, action, f.entity, span.start, blocks);
      }
    }

    const clusters = mergeFindings(toRedact);
    const cut = (end: number): number => {
      for (const c of clusters) {
        if (c.start < end && end < c.end) return c.start >= capFloor || final ? c.start : c.end;
      }
      return end;
    };
    emitEnd = cut(emitEnd);

    const block = blocks.sort((a, b) => a.at - b.at)[0];
    if (block !== undefined && block.at <= emitEnd) {
      // The stream stops here, so a redaction straddling the violation is dropped whole, never cut.
      let before = Math.min(block.at, emitEnd);
      for (const c of clusters) if (c.start < before && before < c.end) before = c.start;
      const text = this.emit(before, clusters);
      this.blocked = block.violation;
      return { text, violation: block.violation };
    }

    const keyCutAtCap = clusters.some(
      (c) => c.entity === 'PRIVATE_KEY' && c.start < capFloor && c.end === emitEnd && !final,
    );
    const text = this.emit(emitEnd, clusters);
    if (keyCutAtCap) this.swallowingKey = true;
    return this.result(text);
  }

  private result(text: string): { text: string; violation?: StreamViolation } {
    const violation = this.warnings.shift();
    return violation === undefined ? { text } : { text, violation };
  }

  /** Records a block candidate, or queues a warning once per guardrail. */
  private flag(
    g: CompiledGuardrail,
    action: Effective,
    entity: string,
    at: number,
    blocks: { at: number; violation: StreamViolation }[],
  ): void {
    if (action === 'block') {
      blocks.push({
        at: Math.max(0, at),
        violation: { guardrailId: g.snapshot.id, entity, action: 'block' },
      });
    } else if (!this.reported.has(g.snapshot.id)) {
      this.reported.add(g.snapshot.id);
      this.warnings.push({ guardrailId: g.snapshot.id, entity, action: 'warn' });
    }
  }

  /** Index in `pending` of the character that takes the whole stream over the token limit. */
  private tokenLimitCrossing(limit: number): number | undefined {
    const counts = { ...this.emittedCounts };
    if (tokensOf(counts) > limit) return 0;
    let i = 0;
    for (const ch of this.pending) {
      countChars(ch, counts);
      if (tokensOf(counts) > limit) return i;
      i += ch.length;
    }
    return undefined;
  }

  /** Emits pending[0, end) with the clusters inside it redacted, and advances the buffers. */
  private emit(end: number, clusters: readonly Finding[]): string {
    const raw = this.pending.slice(0, end);
    const inside = clusters.filter((c) => c.end <= end);
    const { text } = redactText(raw, inside, this.placeholder);
    this.pending = this.pending.slice(end);
    this.context = (this.context + raw).slice(-this.contextChars);
    countChars(raw, this.emittedCounts);
    return text;
  }

  /**
   * After a key was redacted at the hold cap: drops the rest of its body and its END line. Returns
   * false while it cannot yet tell (a partial END line at the end of the buffer).
   */
  private swallowKeyBody(final: boolean): boolean {
    const body = KEY_BODY.exec(this.pending)?.[0] ?? '';
    let rest = this.pending.slice(body.length);
    const end = PEM_END.exec(rest);
    if (end !== null && end.index === 0) {
      rest = rest.slice(end[0].length);
      this.swallowingKey = false;
    } else if (rest === '' || (!final && rest.length < 60 && /^-[-A-Z0-9 ]*$/.test(rest))) {
      this.pending = rest;
      this.context = '';
      return final;
    } else {
      this.swallowingKey = false;
    }
    this.pending = rest;
    // What follows the key starts a fresh context: the key's text must not be matched again.
    this.context = '';
    return true;
  }
}
