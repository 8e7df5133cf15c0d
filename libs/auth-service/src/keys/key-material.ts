import { randomBytes } from 'node:crypto';
import { sha256Tag } from '@optscale/admin-api';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/**
 * The largest multiple of 62 that fits in a byte. Bytes at or above it are thrown away, because
 * `byte % 62` over all 256 values would make the first 8 characters slightly more likely.
 */
const ACCEPT_BELOW = 256 - (256 % 62);

export const KEY_PREFIX = 'sk-os-';
export const PUBLIC_ID_LENGTH = 10;
export const SECRET_LENGTH = 32;

/** `length` characters of base62, uniformly distributed (rejection sampling over random bytes). */
export function randomBase62(length: number, random: (size: number) => Buffer = randomBytes): string {
  let out = '';
  while (out.length < length) {
    // About 3% of bytes are rejected; asking for a little more than needed usually takes one call.
    for (const byte of random(Math.ceil((length - out.length) * 1.1) + 2)) {
      if (byte >= ACCEPT_BELOW) continue;
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export interface NewVirtualKey {
  /** The whole key, returned to its creator once and never stored. */
  plaintext: string;
  /** `sk-os-<public id>`: the start of the key, not secret, shown in lists (`virtual_keys.public_id`). */
  prefix: string;
  /** `sha256:<hex>` of the whole key: what the gateway computes from what a client sends. */
  hash: string;
}

/**
 * A new virtual key: `sk-os-` + 10 base62 characters of public id + `_` + 32 base62 characters of
 * secret (~190 bits). The public id lets people tell keys apart (and find one in the admin list)
 * without any secret material; the `_` separates it visibly. Only the hash is kept.
 */
export function generateVirtualKey(random: (size: number) => Buffer = randomBytes): NewVirtualKey {
  const prefix = `${KEY_PREFIX}${randomBase62(PUBLIC_ID_LENGTH, random)}`;
  const plaintext = `${prefix}_${randomBase62(SECRET_LENGTH, random)}`;
  return { plaintext, prefix, hash: sha256Tag(plaintext) };
}
