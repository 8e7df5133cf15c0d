import type { Finding } from '../types';
import { matchAll } from './text-utils';

/*
 * Custom regular expressions come from admins, so they are checked before they are saved and run
 * with bounded cost. JavaScript regexes backtrack; the classic exponential cases are a quantified
 * group that itself contains a quantifier (`(a+)+`, `(\w*)*`, `(a|a?)+`). Backreferences and
 * lookbehind are rejected too: they defeat the simple reasoning below and are rarely needed for PII.
 */

export const MAX_CUSTOM_PATTERN_LENGTH = 500;
/** Longest match a custom pattern may produce; longer matches are ignored (and size stream look-behind). */
export const MAX_CUSTOM_MATCH_LENGTH = 256;
/** Text is scanned in windows this long (overlapping by the max match), so any super-linear cost stays local. */
const SEGMENT = 1024;

/** Returns why `pattern` is unsafe or invalid, or null when it is fine. */
export function customPatternProblem(pattern: string): string | null {
  if (pattern.length > MAX_CUSTOM_PATTERN_LENGTH)
    return `is longer than ${MAX_CUSTOM_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern, 'g');
  } catch (e) {
    return `is not a valid regular expression (${e instanceof Error ? e.message : String(e)})`;
  }
  // One frame per open group: whether anything inside it is quantified.
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '\\') {
      const next = pattern.charAt(i + 1);
      if (!inClass && /[1-9]/.test(next)) return 'uses a backreference, which can backtrack exponentially';
      if (!inClass && next === 'k' && pattern.charAt(i + 2) === '<') return 'uses a named backreference';
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      continue;
    }
    if (ch === '(') {
      if (pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i))
        return 'uses lookbehind, which is not allowed';
      stack.push(false);
      // Skip the group's prefix so its `?` is not read as a quantifier.
      const prefix = /^\(\?(?:[:=!]|<[A-Za-z_$][\w$]{0,63}>)/.exec(pattern.slice(i, i + 70));
      if (prefix !== null) i += prefix[0].length - 1;
      continue;
    }
    if (ch === ')') {
      const innerQuantified = stack.pop() ?? false;
      const quantifier = quantifierAt(pattern, i + 1);
      if (quantifier !== null && quantifier.unbounded && innerQuantified) {
        return 'has a nested quantifier (a quantified group containing a quantifier), which can backtrack exponentially';
      }
      if (quantifier !== null || innerQuantified) markQuantified(stack);
      continue;
    }
    if (quantifierAt(pattern, i) !== null) markQuantified(stack);
  }
  return null;
}

function markQuantified(stack: boolean[]): void {
  if (stack.length > 0) stack[stack.length - 1] = true;
}

/** A quantifier starting at `i`; `unbounded` is true for `*`, `+`, `{n,}` and `{n,m}` with m > 1. */
function quantifierAt(pattern: string, i: number): { unbounded: boolean } | null {
  const ch = pattern.charAt(i);
  if (ch === '*' || ch === '+') return { unbounded: true };
  if (ch === '?') return { unbounded: false };
  if (ch !== '{') return null;
  const m = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(pattern.slice(i, i + 16));
  if (m === null) return null;
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  return { unbounded: max > 1 };
}

export interface CustomPattern {
  name: string;
  regex: RegExp;
}

export function compileCustomPattern(name: string, pattern: string): CustomPattern {
  return { name, regex: new RegExp(pattern, 'g') };
}

/** Runs a custom pattern over overlapping segments; matches are deduplicated by start offset. */
export function scanCustomPattern(p: CustomPattern, text: string): Finding[] {
  const found = new Map<number, Finding>();
  for (let base = 0; base < text.length; base += SEGMENT) {
    const segment = text.slice(base, base + SEGMENT + MAX_CUSTOM_MATCH_LENGTH);
    for (const m of matchAll(p.regex, segment)) {
      if (m.index >= SEGMENT && base + SEGMENT < text.length) break; // the next segment owns it
      const len = m[0].length;
      if (len === 0 || len > MAX_CUSTOM_MATCH_LENGTH) continue;
      const start = base + m.index;
      if (!found.has(start))
        found.set(start, { entity: p.name, start, end: start + len, score: 1, label: p.name });
    }
  }
  return [...found.values()];
}
