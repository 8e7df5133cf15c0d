import type { Detector, Finding } from '../types';
import { matchAll, spanFinding } from './text-utils';

/*
 * Characters that render as nothing but change what a model reads (LLM Guard's InvisibleText, and
 * the "ASCII smuggling" attacks): zero-width space/non-joiner/joiner and word joiner, a byte-order
 * mark anywhere but the very start, bidi embeddings/overrides/isolates (Trojan Source, CVE-2021-42574)
 * and the Unicode tag block, which can spell out whole hidden instructions. Runs are one finding;
 * redaction removes them (there is nothing to show the user).
 */

const INVISIBLE_CLASS = '[\\u200B-\\u200D\\u2060\\uFEFF\\u202A-\\u202E\\u2066-\\u2069\\u{E0000}-\\u{E007F}]';
const RUN = new RegExp(`${INVISIBLE_CLASS}{1,4096}`, 'gu');
const ONE = new RegExp(`${INVISIBLE_CLASS}$`, 'u');

function scanInvisible(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of matchAll(RUN, text)) {
    let start = m.index;
    // A leading BOM is an encoding artefact, not hidden content.
    if (start === 0 && text.charCodeAt(0) === 0xfeff) start = 1;
    if (start < m.index + m[0].length)
      out.push(spanFinding('INVISIBLE_TEXT', start, m.index + m[0].length, 1));
  }
  return out;
}

/** Only a trailing run is pending: the next delta may extend it, and a run must stay one finding. */
function pendingFrom(text: string): number {
  let i = text.length;
  while (i > 0) {
    const step = i >= 2 && /[\uDC00-\uDFFF]/.test(text.charAt(i - 1)) ? 2 : 1;
    if (!ONE.test(text.slice(i - step, i))) break;
    i -= step;
  }
  return i;
}

export function createInvisibleTextDetector(): Detector {
  return { redactable: true, maxMatchLength: 4096, scan: scanInvisible, pendingFrom };
}
