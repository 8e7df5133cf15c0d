import { randomBytes } from 'node:crypto';
import {
  SecretDecryptionError,
  createKek,
  createKeyring,
  decryptSecret,
  encryptSecret,
  needsReencryption,
  reencryptSecret,
  type SecretEnvelope,
} from './envelope';

const kek = createKek(Buffer.alloc(32, 7));
const keyring = createKeyring(kek);
const SECRET = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

/** Flips one bit of a base64 field. */
function flip(base64: string, byte = 0): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[byte] = (bytes[byte] ?? 0) ^ 1;
  return bytes.toString('base64');
}

describe('encryptSecret / decryptSecret', () => {
  it('round-trips, including non-ASCII and empty secrets', () => {
    for (const text of [SECRET, 'ключ 🔑', '']) {
      expect(decryptSecret(encryptSecret(text, kek), keyring)).toBe(text);
    }
  });

  it('produces the documented envelope with base64 fields and a fresh IV each time', () => {
    const a = encryptSecret(SECRET, kek);
    const b = encryptSecret(SECRET, kek);
    expect(a).toEqual({
      alg: 'AES-256-GCM',
      keyId: kek.id,
      iv: expect.stringMatching(/^[A-Za-z0-9+/]{16}$/),
      tag: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/),
      ciphertext: expect.any(String),
    });
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(JSON.stringify(a)).not.toContain(SECRET);
    expect(Buffer.from(a.ciphertext, 'base64').toString('utf8')).not.toContain('abcdefgh');
  });

  it.each<[string, (e: SecretEnvelope) => SecretEnvelope]>([
    ['ciphertext', (e) => ({ ...e, ciphertext: flip(e.ciphertext, 5) })],
    ['iv', (e) => ({ ...e, iv: flip(e.iv) })],
    ['tag', (e) => ({ ...e, tag: flip(e.tag, 15) })],
    ['truncated tag', (e) => ({ ...e, tag: Buffer.from(e.tag, 'base64').subarray(0, 8).toString('base64') })],
  ])('rejects a tampered %s', (_field, tamper) => {
    expect(() => decryptSecret(tamper(encryptSecret(SECRET, kek)), keyring)).toThrow(SecretDecryptionError);
  });

  it('rejects the wrong key under the same id, an unknown key id and an unknown algorithm', () => {
    const envelope = encryptSecret(SECRET, kek);
    const impostor = createKeyring(createKek(randomBytes(32), kek.id));
    expect(() => decryptSecret(envelope, impostor)).toThrow(/does not authenticate/);
    expect(() => decryptSecret({ ...envelope, keyId: 'kek-other' }, keyring)).toThrow(
      /no key with id kek-other/,
    );
    const wrongAlg = { ...envelope, alg: 'AES-128-CBC' } as unknown as SecretEnvelope;
    expect(() => decryptSecret(wrongAlg, keyring)).toThrow(/unsupported algorithm/);
  });

  it('binds the envelope to its additional authenticated data', () => {
    const envelope = encryptSecret(SECRET, kek, { aad: 'provider:1' });
    expect(decryptSecret(envelope, keyring, { aad: 'provider:1' })).toBe(SECRET);
    expect(() => decryptSecret(envelope, keyring, { aad: 'provider:2' })).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(envelope, keyring)).toThrow(SecretDecryptionError);
  });

  it('never puts the secret in an error message', () => {
    const envelope = encryptSecret(SECRET, kek);
    try {
      decryptSecret({ ...envelope, tag: flip(envelope.tag) }, keyring);
      throw new Error('expected a failure');
    } catch (error) {
      expect(String(error)).not.toContain(SECRET);
    }
  });
});

describe('key rotation', () => {
  const oldKek = createKek(Buffer.alloc(32, 1));
  const newKek = createKek(Buffer.alloc(32, 2));
  const rotated = createKeyring(newKek, [oldKek]);

  it('decrypts old envelopes with a retired key and re-encrypts them under the current one', () => {
    const old = encryptSecret(SECRET, oldKek, { aad: 'p' });
    expect(needsReencryption(old, rotated)).toBe(true);
    expect(decryptSecret(old, rotated, { aad: 'p' })).toBe(SECRET);
    const fresh = reencryptSecret(old, rotated, { aad: 'p' });
    expect(fresh.keyId).toBe(newKek.id);
    expect(needsReencryption(fresh, rotated)).toBe(false);
    expect(decryptSecret(fresh, createKeyring(newKek), { aad: 'p' })).toBe(SECRET);
  });

  it('derives stable, distinct key ids from the key material', () => {
    expect(createKek(Buffer.alloc(32, 1)).id).toBe(oldKek.id);
    expect(oldKek.id).toMatch(/^kek-[0-9a-f]{16}$/);
    expect(oldKek.id).not.toBe(newKek.id);
  });

  it('refuses keys of the wrong size and two keys under one id', () => {
    expect(() => createKek(Buffer.alloc(16))).toThrow(/32 bytes, got 16/);
    expect(() =>
      createKeyring(createKek(Buffer.alloc(32, 1), 'a'), [createKek(Buffer.alloc(32, 2), 'a')]),
    ).toThrow(/share the id a/);
  });
});
