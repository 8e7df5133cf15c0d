import type { Detector } from '../types';

/*
 * Token limit (LLM Guard's TokenLimit): a hard limit, not a score. The estimate is deliberately
 * tokenizer-free: about four characters per token for Latin text and code (OpenAI's rule of thumb),
 * one token per CJK character (BPE vocabularies rarely merge them).
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Counts kept separately so a stream can add deltas and still get the exact whole-text estimate. */
export interface TokenCounts {
  cjk: number;
  other: number;
}

export function countChars(text: string, into: TokenCounts = { cjk: 0, other: 0 }): TokenCounts {
  for (const ch of text) {
    if (ch.charCodeAt(0) >= 0x2e80 && CJK.test(ch)) into.cjk++;
    else into.other++;
  }
  return into;
}

export const tokensOf = (c: TokenCounts): number => c.cjk + Math.ceil(c.other / 4);

/** Rough token estimate for token_limit: ceil(chars / 4), counting CJK characters as one token each. */
export function estimateTokens(text: string): number {
  return tokensOf(countChars(text));
}

export function createTokenLimitDetector(limit: number): Detector {
  return {
    redactable: false,
    maxMatchLength: 0,
    scan: (text) =>
      estimateTokens(text) > limit ? [{ entity: 'TOKEN_LIMIT', start: 0, end: text.length, score: 1 }] : [],
    pendingFrom: (text) => text.length,
  };
}
