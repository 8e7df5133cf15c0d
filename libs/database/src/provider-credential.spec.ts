import { createKek, createKeyring, decryptSecret, encryptSecret } from './crypto';
import { credentialColumns, credentialEnvelope } from './provider-credential';

describe('provider credential columns', () => {
  it('maps an envelope to the four columns and back', () => {
    const kek = createKek(Buffer.alloc(32, 3));
    const envelope = encryptSecret('sk-secret', kek);
    const columns = credentialColumns(envelope);
    expect(columns.credentialKeyId).toBe(kek.id);
    const back = credentialEnvelope(columns);
    expect(back).toEqual(envelope);
    expect(decryptSecret(back!, createKeyring(kek))).toBe('sk-secret');
  });

  it('clears all four columns for null and reads an incomplete row as no credential', () => {
    const cleared = credentialColumns(null);
    expect(Object.values(cleared)).toEqual([null, null, null, null]);
    expect(credentialEnvelope({ ...cleared, credentialIv: 'x' })).toBeNull();
  });
});
