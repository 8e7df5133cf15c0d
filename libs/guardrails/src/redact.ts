import { createHmac } from 'node:crypto';
import type { Finding } from './types';

/**
 * Deterministic placeholder per value (HMAC-SHA256 with `secret`, first 8 hex): `[CREDIT_CARD_3f9a1c2b]`.
 * Same value → same placeholder, across requests and turns (prompt caching stays valid). Keyed, so
 * the placeholder cannot be reversed by hashing guesses (a card number has little entropy).
 */
export function placeholderFor(entity: string, value: string, secret: string): string {
  return `[${entity}_${createHmac('sha256', secret).update(value, 'utf8').digest('hex').slice(0, 8)}]`;
}

/** Entities whose redaction is removal: invisible characters have nothing to show or restore. */
const REMOVED_ENTITIES: ReadonlySet<string> = new Set(['INVISIBLE_TEXT']);

/**
 * Overlapping findings become one span (their union) named after the longest of them, so a card
 * number that a phone pattern also half-matches is one `[CREDIT_CARD_…]`, not two broken pieces.
 */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const sorted = [...findings]
    .filter((f) => f.end > f.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { span: Finding; longest: Finding }[] = [];
  for (const f of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && f.start < last.span.end) {
      last.span = {
        ...last.span,
        end: Math.max(last.span.end, f.end),
        score: Math.max(last.span.score, f.score),
      };
      if (f.end - f.start > last.longest.end - last.longest.start) last.longest = f;
    } else {
      merged.push({ span: { ...f }, longest: f });
    }
  }
  return merged.map(({ span, longest }) => ({ ...span, entity: longest.entity }));
}

/** Replaces the findings' spans (overlaps merged, longest wins) with placeholders; returns the text and the placeholder→original map (for reversible redaction). */
export function redactText(
  text: string,
  findings: readonly Finding[],
  placeholder: (entity: string, value: string) => string,
): { text: string; replacements: Map<string, string> } {
  const replacements = new Map<string, string>();
  let out = '';
  let at = 0;
  for (const f of mergeFindings(findings)) {
    const start = Math.max(f.start, at);
    const end = Math.min(f.end, text.length);
    if (end <= start) continue;
    out += text.slice(at, start);
    const value = text.slice(start, end);
    if (!REMOVED_ENTITIES.has(f.entity)) {
      const p = placeholder(f.entity, value);
      replacements.set(p, value);
      out += p;
    }
    at = end;
  }
  return { text: out + text.slice(at), replacements };
}

/** Puts originals back where placeholders appear (reversible redaction). */
export function restorePlaceholders(text: string, replacements: ReadonlyMap<string, string>): string {
  if (replacements.size === 0) return text;
  // One pass over the text with all keys as literals: a restored value is never re-scanned, so an
  // original that happens to contain a placeholder cannot cascade.
  const keys = [...replacements.keys()]
    .sort((a, b) => b.length - a.length)
    .map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return text.replace(new RegExp(keys.join('|'), 'g'), (k) => replacements.get(k) ?? k);
}
