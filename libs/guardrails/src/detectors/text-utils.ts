import type { Finding } from '../types';

/**
 * Start of the trailing run of `alphabet` characters (at most `maxLength` long), moved forward to the
 * first character that can start a match. Returns `text.length` when the tail cannot start a match.
 * All alphabets here are ASCII, so walking UTF-16 units is exact.
 */
export function trailingRunStart(
  text: string,
  alphabet: RegExp,
  startChar: RegExp,
  maxLength: number,
): number {
  let i = text.length;
  const floor = Math.max(0, text.length - maxLength);
  while (i > floor && alphabet.test(text.charAt(i - 1))) i--;
  while (i < text.length && !startChar.test(text.charAt(i))) i++;
  return i;
}

/** Independent signals combined as 1 - Π(1 - w): two weak signals together outweigh either alone. */
export function combineScores(weights: Iterable<number>): number {
  let miss = 1;
  for (const w of weights) miss *= 1 - Math.min(1, Math.max(0, w));
  return 1 - miss;
}

/** All matches of a global regex, never looping on empty matches. */
export function* matchAll(re: RegExp, text: string): Generator<RegExpExecArray> {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let m: RegExpExecArray | null;
  while ((m = g.exec(text)) !== null) {
    if (m[0].length === 0) g.lastIndex++;
    yield m;
  }
}

export function spanFinding(
  entity: string,
  start: number,
  end: number,
  score: number,
  label?: string,
): Finding {
  return label === undefined ? { entity, start, end, score } : { entity, start, end, score, label };
}
