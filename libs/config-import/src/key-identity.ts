import { hashKey } from '@optscale/gateway-service';

/** A key as the file gives it: its plaintext `value` or its `hash`, exactly one (the schema checks). */
export interface KeySecretSource {
  value?: string | undefined;
  hash?: string | undefined;
}

/** `sha256:<hex>` of the key; the plaintext goes no further than this function. */
export function keyHashOf(key: KeySecretSource): string {
  if (key.hash !== undefined) return key.hash;
  if (key.value !== undefined) return hashKey(key.value);
  throw new Error('a key needs exactly one of value or hash');
}

const PUBLIC_ID_PREFIX = 'imp-';
/** Hex digits of the hash in a public id: 12 by default, more only to get past a collision. */
const PUBLIC_ID_LENGTHS = [12, 16, 20, 24, 28] as const;

/**
 * Candidate display ids of an imported key, shortest first: `imp-` + hex digits of its hash.
 * The hash is already public (it is what the file may hold), so its prefix reveals nothing about
 * the key, unlike a prefix of the plaintext. The longest (32 characters) fits `public_id`
 * (varchar 32); `public_id` is unique, so the importer takes the first candidate not used by
 * another key.
 */
export function publicIdCandidates(keyHash: string): string[] {
  const hex = keyHash.replace(/^sha256:/, '');
  return PUBLIC_ID_LENGTHS.map((n) => PUBLIC_ID_PREFIX + hex.slice(0, n));
}
