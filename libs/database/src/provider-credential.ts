import { SECRET_ALGORITHM, type SecretEnvelope } from './crypto';
import type { Provider } from './entities';

type CredentialColumns = Pick<
  Provider,
  'credentialCiphertext' | 'credentialIv' | 'credentialTag' | 'credentialKeyId'
>;

/** The provider columns that store an envelope (or clear it, for `null`). */
export function credentialColumns(envelope: SecretEnvelope | null): CredentialColumns {
  return {
    credentialCiphertext: envelope?.ciphertext ?? null,
    credentialIv: envelope?.iv ?? null,
    credentialTag: envelope?.tag ?? null,
    credentialKeyId: envelope?.keyId ?? null,
  };
}

/** The envelope stored on a provider row, or null when it has no credential. */
export function credentialEnvelope(row: CredentialColumns): SecretEnvelope | null {
  const { credentialCiphertext, credentialIv, credentialTag, credentialKeyId } = row;
  if (
    credentialCiphertext === null ||
    credentialIv === null ||
    credentialTag === null ||
    credentialKeyId === null
  ) {
    return null;
  }
  return {
    alg: SECRET_ALGORITHM,
    keyId: credentialKeyId,
    iv: credentialIv,
    tag: credentialTag,
    ciphertext: credentialCiphertext,
  };
}
