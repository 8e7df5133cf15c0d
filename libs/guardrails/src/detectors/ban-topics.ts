import type { Detector, Finding } from '../types';
import { matchAll, spanFinding } from './text-utils';

/*
 * Banned keywords and topics: whole-word, case-insensitive, Unicode-aware. "Whole word" means no
 * letter, digit or underscore of any script directly before or after, so `ban` does not hit `banana`
 * and `война` is matched in Cyrillic text. Phrases match with any run of whitespace between words.
 * A topic scores by the share of its distinct terms present: one stray term is weak evidence, most
 * of a topic's vocabulary is strong.
 */

const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}_]';
const MAX_TERM_LENGTH = 128;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** One alternation of literal terms (longest first so a phrase beats its prefix); literals cannot backtrack. */
function termsRegex(terms: readonly string[]): RegExp | null {
  const sources = [...new Set(terms.map((t) => t.trim()).filter((t) => t.length > 0))]
    .sort((a, b) => b.length - a.length)
    .map((t) => t.split(/\s+/).map(escapeRegex).join('\\s{1,8}'));
  if (sources.length === 0) return null;
  return new RegExp(`(?<!${WORD_CHAR})(?:${sources.join('|')})(?!${WORD_CHAR})`, 'giu');
}

interface CompiledTopic {
  name: string;
  terms: string[];
  regex: RegExp | null;
}

/** Canonical form of a matched term, to count distinct terms. */
const canonical = (s: string): string => s.toLocaleLowerCase().replace(/\s+/g, ' ');

export function createBanTopicsDetector(settings: {
  keywords: readonly string[];
  topics: readonly { name: string; terms: readonly string[] }[];
}): Detector {
  const keywordRegex = termsRegex(settings.keywords);
  const topics: CompiledTopic[] = settings.topics.map((t) => ({
    name: t.name,
    terms: [...new Set(t.terms.map(canonical))],
    regex: termsRegex(t.terms),
  }));
  const allTerms = [...settings.keywords, ...settings.topics.flatMap((t) => t.terms)].map(canonical);
  const longest = Math.min(MAX_TERM_LENGTH, Math.max(0, ...allTerms.map((t) => t.length)));

  return {
    redactable: true,
    maxMatchLength: longest + 1,
    scan(text) {
      const out: Finding[] = [];
      if (keywordRegex !== null) {
        for (const m of matchAll(keywordRegex, text))
          out.push(spanFinding('BANNED_KEYWORD', m.index, m.index + m[0].length, 1));
      }
      for (const topic of topics) {
        if (topic.regex === null) continue;
        const matches = [...matchAll(topic.regex, text)];
        const distinct = new Set(matches.map((m) => canonical(m[0])));
        const score = Math.min(1, distinct.size / topic.terms.length);
        for (const m of matches)
          out.push(spanFinding('BANNED_TOPIC', m.index, m.index + m[0].length, score, topic.name));
      }
      return out;
    },
    /**
     * Held from the earliest tail that is a prefix of some term (or a whole term, which a following
     * letter could still turn into a longer word), starting at a word boundary.
     */
    pendingFrom(text) {
      const raw = text.slice(-longest - 1);
      const tail = raw.toLowerCase();
      const offset = text.length - raw.length;
      // Lower-casing changed the length (rare: e.g. U+0130): hold the whole tail rather than mis-map offsets.
      if (tail.length !== raw.length) return offset;
      let from = text.length;
      for (const term of allTerms) {
        for (let k = Math.min(term.length, tail.length); k > 0; k--) {
          const start = offset + tail.length - k;
          if (start >= from) break;
          if (
            tail.endsWith(term.slice(0, k)) &&
            (start === 0 || !/[\p{L}\p{N}\p{M}_]/u.test(text.charAt(start - 1)))
          ) {
            from = start;
            break;
          }
        }
      }
      return from;
    },
  };
}
