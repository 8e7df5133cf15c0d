import { SessionAffinity } from './affinity';

describe('SessionAffinity', () => {
  it('remembers a target until the TTL passes without use', () => {
    let now = 0;
    const affinity = new SessionAffinity({ ttlMs: 100, maxEntries: 10 }, () => now);
    affinity.set('s1', 'openai/gpt-4.1');
    now = 99;
    expect(affinity.get('s1')).toBe('openai/gpt-4.1');
    // Sliding: the read above renewed it.
    now = 198;
    expect(affinity.get('s1')).toBe('openai/gpt-4.1');
    now = 298;
    expect(affinity.get('s1')).toBeUndefined();
  });

  it('evicts the least recently used beyond maxEntries', () => {
    const affinity = new SessionAffinity({ ttlMs: 1000, maxEntries: 2 }, () => 0);
    affinity.set('a', 'x');
    affinity.set('b', 'y');
    expect(affinity.get('a')).toBe('x'); // b is now the least recently used
    affinity.set('c', 'z');
    expect(affinity.get('b')).toBeUndefined();
    expect(affinity.get('a')).toBe('x');
    expect(affinity.get('c')).toBe('z');
  });

  it('overwrites and deletes', () => {
    const affinity = new SessionAffinity({ ttlMs: 1000, maxEntries: 2 }, () => 0);
    affinity.set('a', 'x');
    affinity.set('a', 'y');
    expect(affinity.get('a')).toBe('y');
    affinity.delete('a');
    expect(affinity.get('a')).toBeUndefined();
  });
});
