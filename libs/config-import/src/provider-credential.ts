import {
  SecretDecryptionError,
  credentialColumns,
  credentialEnvelope,
  decryptSecret,
  encryptSecret,
  type Keyring,
  type Provider,
} from '@optscale/database';
import { ImportError } from './import-error';

type CredentialRow = Pick<
  Provider,
  'credentialCiphertext' | 'credentialIv' | 'credentialTag' | 'credentialKeyId'
>;

/** The envelope is bound to its row (as everywhere in the store) so it cannot be copied to another. */
export function credentialAad(providerId: string): string {
  return `provider:${providerId}`;
}

/** The credential columns of a new provider: the envelope of `apiKey`, or all null when it is empty. */
export function newCredential(providerId: string, apiKey: string, keyring: Keyring): CredentialRow {
  if (apiKey === '') return credentialColumns(null);
  return credentialColumns(encryptSecret(apiKey, keyring.current, { aad: credentialAad(providerId) }));
}

/**
 * The credential columns to write on an existing provider, or undefined when the stored credential
 * already holds exactly `apiKey`. Comparing plaintexts (not ciphertexts, which use a fresh IV each
 * time) is what makes a re-import a no-op. An empty key means "no credential".
 *
 * A stored envelope the keyring cannot open is an error rather than something to overwrite: it
 * means this import runs with another KEK than the platform, and whatever it wrote would be
 * unreadable there.
 */
export function credentialChange(
  stored: CredentialRow,
  providerId: string,
  apiKey: string,
  keyring: Keyring,
  label: string,
): CredentialRow | undefined {
  const envelope = credentialEnvelope(stored);
  if (!envelope) return apiKey === '' ? undefined : newCredential(providerId, apiKey, keyring);
  let current: string;
  try {
    current = decryptSecret(envelope, keyring, { aad: credentialAad(providerId) });
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    throw new ImportError(
      `${label}: the stored credential does not decrypt with this KEK (${error.message}); ` +
        'run the import with the KEK the platform uses',
    );
  }
  return current === apiKey ? undefined : newCredential(providerId, apiKey, keyring);
}
