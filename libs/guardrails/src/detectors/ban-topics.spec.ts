import { guardrail } from '../__fixtures__/guardrails';
import { compileGuardrail, evaluateGuardrail } from '../compile';
import { estimateTokens } from './token-limit';

describe('ban_topics detector', () => {
  const banned = compileGuardrail(
    guardrail({
      type: 'ban_topics',
      keywords: ['project falcon', 'ban', 'война'],
      topics: [{ name: 'gambling', terms: ['casino', 'poker', 'roulette', 'betting odds'] }],
    }),
  );

  it('matches whole words and phrases, case-insensitively, in any script', () => {
    const text = 'PROJECT  Falcon is a Ban; not banana or urban. Слово война здесь.';
    expect(banned.scan(text).map((f) => text.slice(f.start, f.end))).toEqual([
      'PROJECT  Falcon',
      'Ban',
      'война',
    ]);
  });

  it('scores a topic by the share of its terms present, labelled with the topic name', () => {
    const text = 'Poker night at the casino, poker again';
    const topic = banned.scan(text).filter((f) => f.entity === 'BANNED_TOPIC');
    expect(topic.map((f) => [f.label, f.score])).toEqual([
      ['gambling', 0.5],
      ['gambling', 0.5],
      ['gambling', 0.5],
    ]);
    expect(evaluateGuardrail(banned, 'roulette and betting odds at a casino').maxScore).toBe(0.75);
  });
});

describe('invisible_text detector', () => {
  const invisible = compileGuardrail(guardrail({ type: 'invisible_text' }));

  it('finds zero-width, bidi and tag characters as runs, but not a leading BOM', () => {
    const tags = String.fromCodePoint(0xe0049, 0xe0067, 0xe006e);
    const text = `\uFEFFhello\u200B\u200Dworld \u202Eevil\u202C ${tags}!`;
    expect(invisible.scan(text).map((f) => [f.start, f.end])).toEqual([
      [6, 8],
      [14, 15],
      [19, 20],
      [21, 27],
    ]);
    expect(invisible.scan('plain text, emoji 👍 and 日本語')).toEqual([]);
  });
});

describe('token_limit detector', () => {
  it('estimates ceil(chars / 4), CJK characters one token each', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('日本語ab')).toBe(4);
  });

  it('is violated only over the limit, whatever the threshold', () => {
    const limit = compileGuardrail(guardrail({ type: 'token_limit', limit: 2 }, { threshold: 1 }));
    expect(evaluateGuardrail(limit, 'abcdefgh').violated).toBe(false);
    expect(evaluateGuardrail(limit, 'abcdefghi')).toEqual({
      guardrailId: 'g-token_limit',
      findings: [{ entity: 'TOKEN_LIMIT', start: 0, end: 9, score: 1 }],
      violated: true,
      maxScore: 1,
    });
  });
});
