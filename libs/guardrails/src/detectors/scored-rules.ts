import type { Detector, Finding } from '../types';
import { combineScores } from './text-utils';

/**
 * A heuristic signal: a bounded regex (or a predicate) and how strongly it alone indicates the
 * attack. Independent signals combine as 1 - Π(1 - w), each rule counted once however often it
 * matches, so repetition cannot inflate the score but two different signals reinforce each other.
 */
export interface ScoredRule {
  id: string;
  weight: number;
  test: RegExp | ((text: string) => boolean);
}

/** The longest text a single rule is expected to span; sizes the stream window for these detectors. */
const RULE_SPAN = 160;

export function ruleScore(rules: readonly ScoredRule[], text: string): { score: number; matched: string[] } {
  const matched = rules.filter((r) => {
    if (typeof r.test === 'function') return r.test(text);
    r.test.lastIndex = 0;
    return r.test.test(text);
  });
  return { score: combineScores(matched.map((r) => r.weight)), matched: matched.map((r) => r.id) };
}

/** Whole-text verdict: one finding over 0..text.length, or none when nothing matched. */
export function createScoredDetector(entity: string, rules: readonly ScoredRule[]): Detector {
  return {
    redactable: false,
    maxMatchLength: RULE_SPAN,
    scan(text): Finding[] {
      const { score } = ruleScore(rules, text);
      return score > 0 ? [{ entity, start: 0, end: text.length, score }] : [];
    },
    // A phrase can start anywhere in the last window; hold from the first word start inside it.
    pendingFrom(text) {
      const floor = Math.max(0, text.length - (RULE_SPAN - 1));
      const ws = text.slice(floor).search(/\s/);
      return ws < 0 || floor === 0 ? floor : floor + ws + 1;
    },
  };
}
