import { createHash, randomBytes } from 'node:crypto';

/**
 * Virtual keys are 32 random bytes, so a plain SHA-256 is the right hash: there is nothing to
 * brute-force, and the hot path does one hash and one map lookup (docs/adr/0003).
 */
export function hashKey(key: string): string {
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** A new virtual key: `sk-os-` + 43 base64url characters (256 bits). */
export function generateKey(): string {
  return `sk-os-${randomBytes(32).toString('base64url')}`;
}

/** The part of a key that is safe to display: its first characters. */
export function keyPrefix(key: string): string {
  return `${key.slice(0, 10)}…`;
}

/** The key a client sent, in any of the header styles real clients use. */
export function extractKey(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string') {
    const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m?.[1]) return m[1];
  }
  for (const name of ['x-api-key', 'api-key', 'x-goog-api-key'] as const) {
    const value = headers[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}
