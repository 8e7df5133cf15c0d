import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const SECRET_ALGORITHM = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** A key-encryption key: 32 random bytes and the id stored next to everything it encrypts. */
export interface Kek {
  readonly id: string;
  readonly key: Buffer;
}

/** The current key encrypts; every key in `keys` (current included) can decrypt. */
export interface Keyring {
  readonly current: Kek;
  readonly keys: ReadonlyMap<string, Kek>;
}

/** An encrypted secret as stored: every binary field base64. */
export interface SecretEnvelope {
  alg: typeof SECRET_ALGORITHM;
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface SecretOptions {
  /**
   * Additional authenticated data, e.g. `provider:<id>`: binds the envelope to its row so that a
   * ciphertext copied onto another row does not decrypt. Must be the same for decryption.
   */
  aad?: string;
}

/** Decryption failed: unknown key id, wrong key, tampered ciphertext/iv/tag, or malformed envelope. */
export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
}

/**
 * Makes a key from its raw 32 bytes. Without an explicit id, the id is a fingerprint of the key
 * (`kek-` + 16 hex digits of its SHA-256), so rotating needs no extra configuration.
 */
export function createKek(key: Buffer, id?: string): Kek {
  if (key.length !== KEY_BYTES) {
    throw new Error(`a key-encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
  }
  const keyId = id ?? `kek-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  return { id: keyId, key: Buffer.from(key) };
}

/** A keyring whose current key is `current`; `previous` keys are kept for decryption only. */
export function createKeyring(current: Kek, previous: readonly Kek[] = []): Keyring {
  const keys = new Map<string, Kek>();
  for (const kek of [current, ...previous]) {
    const existing = keys.get(kek.id);
    if (existing && !existing.key.equals(kek.key)) {
      throw new Error(`two different keys share the id ${kek.id}`);
    }
    keys.set(kek.id, kek);
  }
  return { current, keys };
}

/** Encrypts `plaintext` under `kek` with a fresh random 96-bit IV. */
export function encryptSecret(plaintext: string, kek: Kek, options: SecretOptions = {}): SecretEnvelope {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv, { authTagLength: TAG_BYTES });
  if (options.aad !== undefined) cipher.setAAD(Buffer.from(options.aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    alg: SECRET_ALGORITHM,
    keyId: kek.id,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Decrypts an envelope with the key it names; any tampering throws `SecretDecryptionError`. */
export function decryptSecret(
  envelope: SecretEnvelope,
  keyring: Keyring,
  options: SecretOptions = {},
): string {
  if (envelope.alg !== SECRET_ALGORITHM) {
    throw new SecretDecryptionError(`unsupported algorithm ${String(envelope.alg)}`);
  }
  const kek = keyring.keys.get(envelope.keyId);
  if (!kek) throw new SecretDecryptionError(`no key with id ${envelope.keyId} in the keyring`);
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretDecryptionError('malformed envelope: bad iv or tag length');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    if (options.aad !== undefined) decipher.setAAD(Buffer.from(options.aad, 'utf8'));
    const plaintext = Buffer.concat([
      decipher.update(Buffer.from(envelope.ciphertext, 'base64')),
      decipher.final(),
    ]);
    return plaintext.toString('utf8');
  } catch {
    throw new SecretDecryptionError('the secret does not authenticate (wrong key, wrong aad or tampered)');
  }
}

/** For rotation: true when the envelope is not under the keyring's current key. */
export function needsReencryption(envelope: SecretEnvelope, keyring: Keyring): boolean {
  return envelope.keyId !== keyring.current.id;
}

/** For rotation: decrypts with whichever key the envelope names and encrypts under the current one. */
export function reencryptSecret(
  envelope: SecretEnvelope,
  keyring: Keyring,
  options: SecretOptions = {},
): SecretEnvelope {
  return encryptSecret(decryptSecret(envelope, keyring, options), keyring.current, options);
}
