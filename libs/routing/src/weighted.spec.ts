import { pickWeighted } from './weighted';

/** mulberry32: a tiny seeded PRNG, so the distribution test is deterministic. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('pickWeighted', () => {
  it('picks in proportion to weights (chi-square over 10k picks)', () => {
    const targets = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 3 },
      { id: 'c', weight: 6 },
    ];
    const random = seeded(42);
    const counts = new Map<string, number>();
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      const t = pickWeighted(targets, random);
      counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
    }
    let chi = 0;
    for (const t of targets) {
      const expected = (n * t.weight) / 10;
      chi += ((counts.get(t.id) ?? 0) - expected) ** 2 / expected;
    }
    // 2 degrees of freedom: p = 0.001 at 13.82.
    expect(chi).toBeLessThan(13.82);
  });

  it('maps the ends of [0,1) to the first and last targets', () => {
    const targets = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
    ];
    expect(pickWeighted(targets, () => 0).id).toBe('a');
    expect(pickWeighted(targets, () => 0.4999).id).toBe('a');
    expect(pickWeighted(targets, () => 0.5).id).toBe('b');
    expect(pickWeighted(targets, () => 0.9999999999).id).toBe('b');
  });

  it('never picks a zero weight and throws when nothing is pickable', () => {
    const targets = [
      { id: 'zero', weight: 0 },
      { id: 'one', weight: 1 },
    ];
    expect(pickWeighted(targets, () => 0).id).toBe('one');
    expect(() => pickWeighted([], () => 0)).toThrow('no target');
  });
});
