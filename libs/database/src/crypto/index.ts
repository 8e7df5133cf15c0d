export {
  SECRET_ALGORITHM,
  SecretDecryptionError,
  createKek,
  createKeyring,
  decryptSecret,
  encryptSecret,
  needsReencryption,
  reencryptSecret,
} from './envelope';
export type { Kek, Keyring, SecretEnvelope, SecretOptions } from './envelope';
export { keyringFromEnv } from './keyring-from-env';
export type { Env, KeyringSources } from './keyring-from-env';
