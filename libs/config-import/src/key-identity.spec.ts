import { hashKey } from '@optscale/gateway-service';
import { keyHashOf, publicIdCandidates } from './key-identity';

const HASH = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('key identity', () => {
  it('hashes a value and passes a hash through', () => {
    expect(keyHashOf({ value: 'sk-os-secret-value' })).toBe(hashKey('sk-os-secret-value'));
    expect(keyHashOf({ hash: HASH })).toBe(HASH);
    expect(() => keyHashOf({})).toThrow(/exactly one/);
  });

  it('derives public ids from the hash, shortest first, all within varchar(32)', () => {
    const candidates = publicIdCandidates(HASH);
    expect(candidates[0]).toBe('imp-0123456789ab');
    expect(candidates.every((id) => id.startsWith('imp-0123456789ab') && id.length <= 32)).toBe(true);
    expect(new Set(candidates).size).toBe(candidates.length);
  });

  it('never derives the public id from the plaintext', () => {
    const value = 'sk-os-abcdefabcdefabcdef';
    expect(publicIdCandidates(keyHashOf({ value }))[0]).toBe(`imp-${hashKey(value).slice(7, 19)}`);
  });
});
