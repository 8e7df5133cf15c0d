import { hashKey } from '@optscale/gateway-service';
import { generateVirtualKey, randomBase62 } from './key-material';

describe('virtual key material', () => {
  it('has the documented shape: sk-os-, 10 base62, _, 32 base62', () => {
    const key = generateVirtualKey();
    expect(key.plaintext).toMatch(/^sk-os-[0-9A-Za-z]{10}_[0-9A-Za-z]{32}$/);
    expect(key.plaintext.startsWith(`${key.prefix}_`)).toBe(true);
    expect(key.prefix).toMatch(/^sk-os-[0-9A-Za-z]{10}$/);
  });

  it('stores the hash the gateway computes from the key a client sends', () => {
    const key = generateVirtualKey();
    expect(key.hash).toBe(hashKey(key.plaintext));
    expect(key.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('gives distinct keys', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateVirtualKey().plaintext));
    expect(keys.size).toBe(200);
  });

  it('rejects bytes at or above 248 instead of folding them (no modulo bias)', () => {
    // 248 % 62 = 0 and 255 % 62 = 7: a modulo would turn them into "0" and "7".
    let calls = 0;
    const random = (size: number): Buffer => {
      calls++;
      return calls === 1 ? Buffer.from([248, 255, 1, 61]).subarray(0, size) : Buffer.alloc(size, 10);
    };
    expect(randomBase62(4, random)).toBe('1zAA');
  });

  it('is close to uniform over many draws', () => {
    const counts = new Map<string, number>();
    const text = randomBase62(62 * 2000);
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(1700);
      expect(n).toBeLessThan(2300);
    }
  });
});
