import { createKek, createKeyring, credentialEnvelope, decryptSecret } from '@optscale/database';
import { ImportError } from './import-error';
import { credentialAad, credentialChange, newCredential } from './provider-credential';

const keyring = createKeyring(createKek(Buffer.alloc(32, 1)));
const ID = '00000000-0000-4000-8000-000000000001';

describe('provider credential', () => {
  it('encrypts a new key bound to the provider row, and stores nothing for an empty one', () => {
    const columns = newCredential(ID, 'sk-live-1', keyring);
    const envelope = credentialEnvelope(columns);
    expect(envelope).not.toBeNull();
    expect(JSON.stringify(columns)).not.toContain('sk-live-1');
    expect(decryptSecret(envelope!, keyring, { aad: credentialAad(ID) })).toBe('sk-live-1');
    expect(credentialEnvelope(newCredential(ID, '', keyring))).toBeNull();
  });

  it('changes nothing when the stored plaintext is the same, re-encrypts when it differs', () => {
    const stored = newCredential(ID, 'sk-live-1', keyring);
    expect(credentialChange(stored, ID, 'sk-live-1', keyring, 'p')).toBeUndefined();
    const changed = credentialChange(stored, ID, 'sk-live-2', keyring, 'p');
    expect(decryptSecret(credentialEnvelope(changed!)!, keyring, { aad: credentialAad(ID) })).toBe(
      'sk-live-2',
    );
    expect(credentialEnvelope(credentialChange(stored, ID, '', keyring, 'p')!)).toBeNull();
    const empty = newCredential(ID, '', keyring);
    expect(credentialChange(empty, ID, '', keyring, 'p')).toBeUndefined();
    expect(credentialEnvelope(credentialChange(empty, ID, 'sk-new', keyring, 'p')!)).not.toBeNull();
  });

  it('refuses to overwrite a credential this keyring cannot open, without echoing any secret', () => {
    const stored = newCredential(ID, 'sk-live-1', createKeyring(createKek(Buffer.alloc(32, 2))));
    expect(() =>
      credentialChange(stored, ID, 'sk-live-1', keyring, 'organization "A", provider "p"'),
    ).toThrow(ImportError);
    try {
      credentialChange(stored, ID, 'sk-live-1', keyring, 'organization "A", provider "p"');
    } catch (error) {
      expect((error as Error).message).toMatch(
        /^organization "A", provider "p": the stored credential does not decrypt/,
      );
      expect((error as Error).message).not.toContain('sk-live-1');
    }
  });
});
