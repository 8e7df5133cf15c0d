import type { EncryptedSecret } from '@optscale/contracts';
import { generateKey, hashKey } from '../auth/key-hash';
import { GatewayError } from '../pipeline/gateway-error';
import { authenticate } from '../pipeline/authenticate';
import { RequestContext } from '../pipeline/request-context';
import { listUserModels, resolveModel } from '../routing/resolve-model';
import { accessSnapshot, keyHashOf, keySnapshot, ORG, providerSnapshot } from './__fixtures__/snapshots';
import { buildStateFromSnapshots, type DecryptCredential } from './build-state-from-snapshots';
import { emptyConfigSnapshots, foldSnapshot, type MutableConfigSnapshots } from './config-snapshots';
import type { KeyRecord } from './gateway-state';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const envelope = (ciphertext: string): EncryptedSecret => ({
  alg: 'AES-256-GCM',
  keyId: 'kek-test',
  iv: 'AAAAAAAAAAAAAAAA',
  tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
  ciphertext,
});
/** "Decrypts" by reading the ciphertext as text; `bad` fails like a wrong key does. */
const decrypt: DecryptCredential = (e) => {
  if (e.ciphertext === 'YmFk') throw new Error('the secret does not authenticate');
  return Buffer.from(e.ciphertext, 'base64').toString('utf8');
};
const HASH = keyHashOf('a');

function snapshots(): MutableConfigSnapshots {
  const s = emptyConfigSnapshots();
  s.access.set(`${ORG}/user-1`, accessSnapshot({ allowedProviders: ['openai', 'anthropic'] }));
  s.providers.set(
    `${ORG}/openai`,
    providerSnapshot({ credential: envelope(Buffer.from('sk-upstream').toString('base64')) }),
  );
  s.providers.set(
    `${ORG}/anthropic`,
    providerSnapshot({
      id: 'prov-anthropic',
      proxyName: 'anthropic',
      apiType: 'anthropic',
      baseUrl: 'https://api.anthropic.com',
      models: ['claude-sonnet-4-6', 'shared-model'],
      position: 1,
    }),
  );
  s.keys.set(HASH, keySnapshot());
  return s;
}

function keyOf(s: MutableConfigSnapshots, hash = HASH): KeyRecord {
  const key = buildStateFromSnapshots(s, decrypt, NOW).state.keysByHash.get(hash);
  if (!key) throw new Error('key not in state');
  return key;
}

function refusal(fn: () => unknown): { kind: string; status: number; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError)
      return { kind: error.kind, status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('buildStateFromSnapshots', () => {
  it('builds organizations, providers (decrypted, in position order), users and keys', () => {
    const { state, report } = buildStateFromSnapshots(snapshots(), decrypt, NOW);
    expect(report).toEqual({ undecryptableProviders: [], keysWithoutOwner: 0 });
    expect(state.loadedAt).toBe(NOW / 1000);
    const org = state.organizations.get(ORG);
    expect(org).toMatchObject({ id: ORG, name: 'Sunflower', currency: 'EUR' });
    expect([...(org?.providers.keys() ?? [])]).toEqual(['openai', 'anthropic']);
    expect(org?.providers.get('openai')).toMatchObject({
      id: 'prov-openai',
      apiKey: 'sk-upstream',
      baseUrl: 'https://api.openai.com/v1',
      active: true,
    });
    expect(org?.providers.get('anthropic')?.apiKey).toBe('');
    const key = state.keysByHash.get(HASH);
    expect(key).toMatchObject({ id: 'key-1', name: 'laptop', active: true, organization: org });
    expect(key?.user).toMatchObject({ id: 'user-1', email: 'dev@example.com', teamIds: ['team-1'] });
    expect(key?.allowedProviders).toBeUndefined();
    expect(key?.expiresAt).toBeUndefined();
  });

  it('orders providers by position, so a bare model name goes to the lowest', () => {
    const s = snapshots();
    s.providers.set(
      `${ORG}/openai`,
      providerSnapshot({ models: ['gpt-4.1', 'shared-model'], position: 5, credential: null }),
    );
    const key = keyOf(s);
    expect(resolveModel(key.organization, key, 'shared-model').provider.proxyName).toBe('anthropic');
  });

  it('routes with the intersection of the owner access and the key narrowing', () => {
    const s = snapshots();
    expect(listUserModels(keyOf(s).organization, keyOf(s)).map((m) => m.id)).toEqual([
      'openai/gpt-4.1',
      'anthropic/claude-sonnet-4-6',
      'anthropic/shared-model',
    ]);
    s.keys.set(HASH, keySnapshot({ allowedProviders: ['anthropic', 'gemini'] }));
    const narrowed = keyOf(s);
    expect(narrowed.allowedProviders).toEqual(new Set(['anthropic', 'gemini']));
    expect(resolveModel(narrowed.organization, narrowed, 'anthropic/claude-sonnet-4-6').upstreamModel).toBe(
      'claude-sonnet-4-6',
    );
    expect(refusal(() => resolveModel(narrowed.organization, narrowed, 'openai/gpt-4.1'))).toMatchObject({
      status: 403,
      message: expect.stringContaining('not allowed') as string,
    });
    expect(listUserModels(narrowed.organization, narrowed).map((m) => m.id)).not.toContain('openai/gpt-4.1');
    // The key cannot widen its owner's access: gemini is the key's, not the owner's.
    s.access.set(`${ORG}/user-1`, accessSnapshot({ allowedProviders: ['openai'] }));
    const none = keyOf(s);
    expect(refusal(() => resolveModel(none.organization, none, 'anthropic/claude-sonnet-4-6')).status).toBe(
      403,
    );
    expect(listUserModels(none.organization, none)).toEqual([]);
  });

  it('refuses an inactive provider', () => {
    const s = snapshots();
    s.providers.set(`${ORG}/openai`, providerSnapshot({ status: 'inactive' }));
    const key = keyOf(s);
    expect(refusal(() => resolveModel(key.organization, key, 'openai/gpt-4.1'))).toMatchObject({
      status: 403,
      message: 'provider "openai" is inactive',
    });
    expect(refusal(() => resolveModel(key.organization, key, 'gpt-4.1')).status).toBe(403);
  });

  it('applies tombstones: a deleted user takes their keys, a deleted provider its models', () => {
    const s = snapshots();
    foldSnapshot(s.providers, `${ORG}/openai`, null);
    const key = keyOf(s);
    expect(refusal(() => resolveModel(key.organization, key, 'gpt-4.1')).status).toBe(404);
    foldSnapshot(s.access, `${ORG}/user-1`, null);
    const { state, report } = buildStateFromSnapshots(s, decrypt, NOW);
    expect(state.keysByHash.has(HASH)).toBe(false);
    expect(report.keysWithoutOwner).toBe(1);
    // The organization still exists through its remaining provider, named by its id.
    expect(state.organizations.get(ORG)).toMatchObject({ name: ORG, currency: 'USD' });
    foldSnapshot(s.access, `${ORG}/user-1`, accessSnapshot());
    foldSnapshot(s.keys, HASH, null);
    expect(buildStateFromSnapshots(s, decrypt, NOW).state.keysByHash.size).toBe(0);
  });

  it('takes the organization name and currency from its most recent access record', () => {
    const s = snapshots();
    foldSnapshot(
      s.access,
      `${ORG}/user-2`,
      accessSnapshot({ userId: 'user-2', organization: { name: 'Renamed', currency: 'USD' } }),
    );
    expect(buildStateFromSnapshots(s, decrypt, NOW).state.organizations.get(ORG)?.name).toBe('Renamed');
    // Republishing user-1 with the newer name: user-1 is now the latest record.
    foldSnapshot(
      s.access,
      `${ORG}/user-1`,
      accessSnapshot({ organization: { name: 'Renamed again', currency: 'GBP' } }),
    );
    expect(buildStateFromSnapshots(s, decrypt, NOW).state.organizations.get(ORG)).toMatchObject({
      name: 'Renamed again',
      currency: 'GBP',
    });
  });

  it('keeps an organization that has providers but no users, named by its id', () => {
    const s = emptyConfigSnapshots();
    s.providers.set('org-2/openai', providerSnapshot({ organizationId: 'org-2' }));
    expect(buildStateFromSnapshots(s, decrypt, NOW).state.organizations.get('org-2')).toMatchObject({
      id: 'org-2',
      name: 'org-2',
    });
  });

  it('marks a provider whose credential does not decrypt unusable, and reports it', () => {
    const s = snapshots();
    s.providers.set(`${ORG}/openai`, providerSnapshot({ credential: envelope('YmFk') }));
    const { state, report } = buildStateFromSnapshots(s, decrypt, NOW);
    expect(report.undecryptableProviders).toEqual(['prov-openai']);
    const provider = state.organizations.get(ORG)?.providers.get('openai');
    expect(provider?.credentialError).toBe('the secret does not authenticate');
    expect(provider?.apiKey).toBe('');
    const key = keyOf(s);
    expect(refusal(() => resolveModel(key.organization, key, 'openai/gpt-4.1'))).toMatchObject({
      kind: 'upstream_unavailable',
      status: 502,
      message: expect.stringContaining('cannot decrypt its credential') as string,
    });
    expect(refusal(() => resolveModel(key.organization, key, 'gpt-4.1')).status).toBe(502);
  });

  it('keeps expired keys, which authentication refuses as expired', () => {
    const plaintext = generateKey();
    const s = snapshots();
    s.keys.set(hashKey(plaintext), keySnapshot({ expiresAt: '2020-01-01T00:00:00Z' }));
    const { state } = buildStateFromSnapshots(s, decrypt, NOW);
    expect(state.keysByHash.get(hashKey(plaintext))?.expiresAt).toBe(Date.parse('2020-01-01T00:00:00Z'));
    const ctx = new RequestContext('req', 'openai', 'chat', ORG, { authorization: `Bearer ${plaintext}` });
    expect(refusal(() => authenticate(ctx, state))).toMatchObject({
      status: 401,
      message: 'this API key has expired',
    });
  });
});
