import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import {
  AllowedProvider,
  AuditLog,
  Organization,
  Provider,
  ProviderModel,
  User,
  VirtualKey,
  createDataSource,
  createKek,
  createKeyring,
  credentialEnvelope,
  decryptSecret,
  migrate,
} from '@optscale/database';
import { hashKey, parseConfig, type ConfigFile } from '@optscale/gateway-service';
import { createScratchDatabase } from '@optscale/testing';
import { ImportError, importConfig, openStore, type ImportSummary } from './index';

const ORG_ID = randomUUID();
/** Secrets with a recognizable shape, searched for in every table afterwards. */
const OPENAI_KEY = `sk-proj-${randomBytes(20).toString('hex')}`;
const OPENAI_KEY_2 = `sk-proj-${randomBytes(20).toString('hex')}`;
const ANTHROPIC_KEY = `sk-ant-api03-${randomBytes(20).toString('hex')}`;
const DEV_KEY = `sk-os-${randomBytes(32).toString('base64url')}`;
const CI_HASH = hashKey(`sk-os-${randomBytes(32).toString('base64url')}`);

interface FileOptions {
  openaiKeyVar?: string;
  devAllowed?: string[];
  openaiModels?: string[];
  extraUsers?: string;
}

/** The file under test, as YAML with `${ENV}` references (parsed by the real loader). */
function file(options: FileOptions = {}): ConfigFile {
  const yaml = `
organizations:
  - id: ${ORG_ID}
    name: Sunflower
    currency: EUR
    providers:
      - name: OpenAI
        proxy_name: openai
        api_type: openai
        base_url: https://api.openai.com/v1
        api_key: \${${options.openaiKeyVar ?? 'OPENAI_API_KEY'}}
        models: [${(options.openaiModels ?? ['gpt-4.1', 'gpt-4.1-mini']).join(', ')}]
      - name: Anthropic
        proxy_name: anthropic
        api_type: anthropic
        base_url: https://api.anthropic.com
        api_key: \${ANTHROPIC_API_KEY}
        description: main account
        models: [claude-sonnet-4-6]
      - name: Local
        proxy_name: ollama
        api_type: ollama
        base_url: http://127.0.0.1:11434
        status: inactive
    users:
      - email: Dev@Sunflower.example
        allowed_providers: [${(options.devAllowed ?? ['openai', 'anthropic']).join(', ')}]
        keys:
          - name: laptop
            value: \${DEV_KEY}
          - name: ci
            hash: ${CI_HASH}
            active: false
            expires_at: 2030-01-01T02:00:00+02:00
      - email: boss@sunflower.example
        name: The Boss
        role: admin
        allowed_providers: [ollama]
${options.extraUsers ?? ''}`;
  return parseConfig(yaml, {
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_API_KEY_2: OPENAI_KEY_2,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    DEV_KEY,
  });
}

function counts(summary: ImportSummary, kind: keyof ImportSummary): [number, number, number] {
  const { created, updated, unchanged } = summary[kind];
  return [created, updated, unchanged];
}

/** Every row of every table as JSON text: where a leaked secret would show. */
async function dumpAllTables(ds: DataSource): Promise<string> {
  const tables: Array<{ table_name: string }> = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  expect(tables.length).toBeGreaterThan(10);
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows: Array<{ row: string }> = await ds.query(
      `SELECT row_to_json(t)::text AS row FROM "${table_name}" t`,
    );
    parts.push(...rows.map((r) => `${table_name}: ${r.row}`));
  }
  return parts.join('\n');
}

const keyring = createKeyring(createKek(randomBytes(32)));
const NOW = new Date('2026-01-02T03:04:05.000Z');

describe('importConfig on a Postgres server', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;
  const audits = (): Promise<number> => ds.getRepository(AuditLog).count();
  const provider = (proxyName: string): Promise<Provider> =>
    ds.getRepository(Provider).findOneByOrFail({ organizationId: ORG_ID, proxyName });
  const user = (email: string): Promise<User> =>
    ds.getRepository(User).findOneByOrFail({ organizationId: ORG_ID, email });
  const access = async (email: string): Promise<string[]> => {
    const { id } = await user(email);
    const rows = await ds
      .getRepository(AllowedProvider)
      .find({ where: { userId: id }, relations: { provider: true } });
    return rows.map((r) => r.provider?.proxyName ?? '?').sort();
  };

  beforeAll(async () => {
    const db = await createScratchDatabase('import_spec');
    drop = db.drop;
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
    await migrate(ds);
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await drop?.();
  });

  it('creates every entity of the file, with an audit row each', async () => {
    const summary = await importConfig(ds, file(), { keyring, now: NOW });
    expect(summary).toEqual({
      organizations: { created: 1, updated: 0, unchanged: 0 },
      providers: { created: 3, updated: 0, unchanged: 0 },
      users: { created: 2, updated: 0, unchanged: 0 },
      virtualKeys: { created: 2, updated: 0, unchanged: 0 },
    });
    expect(await ds.getRepository(Organization).findOneByOrFail({ id: ORG_ID })).toMatchObject({
      name: 'Sunflower',
      currency: 'EUR',
    });

    const openai = await provider('openai');
    expect(openai).toMatchObject({
      name: 'OpenAI',
      apiType: 'openai',
      status: 'active',
      position: 0,
      apiVersion: null,
    });
    expect(decryptSecret(credentialEnvelope(openai)!, keyring, { aad: `provider:${openai.id}` })).toBe(
      OPENAI_KEY,
    );
    expect(await provider('anthropic')).toMatchObject({ position: 1, description: 'main account' });
    const ollama = await provider('ollama');
    expect(ollama).toMatchObject({
      position: 2,
      status: 'inactive',
      credentialCiphertext: null,
      credentialKeyId: null,
    });
    const models = await ds.getRepository(ProviderModel).findBy({ providerId: openai.id });
    expect(models.map((m) => [m.model, m.source]).sort()).toEqual([
      ['gpt-4.1', 'manual'],
      ['gpt-4.1-mini', 'manual'],
    ]);

    expect(await user('dev@sunflower.example')).toMatchObject({ name: 'Dev', role: 'member' });
    expect(await user('boss@sunflower.example')).toMatchObject({ name: 'The Boss', role: 'admin' });
    expect(await access('dev@sunflower.example')).toEqual(['anthropic', 'openai']);
    expect(await access('boss@sunflower.example')).toEqual(['ollama']);

    const keys = await ds
      .getRepository(VirtualKey)
      .find({ where: { organizationId: ORG_ID }, order: { name: 'ASC' } });
    expect(keys).toEqual([
      expect.objectContaining({
        name: 'ci',
        keyHash: CI_HASH,
        publicId: `imp-${CI_HASH.slice(7, 19)}`,
        active: false,
        revokedAt: NOW,
        expiresAt: new Date('2030-01-01T00:00:00.000Z'),
      }),
      expect.objectContaining({
        name: 'laptop',
        keyHash: hashKey(DEV_KEY),
        publicId: `imp-${hashKey(DEV_KEY).slice(7, 19)}`,
        active: true,
        revokedAt: null,
        expiresAt: null,
      }),
    ]);

    const log = await ds.getRepository(AuditLog).find({ where: { organizationId: ORG_ID } });
    expect(log.map((a) => a.action).sort()).toEqual([
      'organization.create',
      'provider.create',
      'provider.create',
      'provider.create',
      'user.create',
      'user.create',
      'virtual_key.create',
      'virtual_key.create',
    ]);
    expect(log.every((a) => a.actorUserId === null && a.before === null)).toBe(true);
    expect(log.find((a) => a.entityId === openai.id)).toMatchObject({
      entityType: 'provider',
      after: { proxyName: 'openai', models: ['gpt-4.1', 'gpt-4.1-mini'], position: 0 },
    });
  });

  it('changes nothing on a second import of the same file', async () => {
    const before = await audits();
    const openai = await provider('openai');
    const summary = await importConfig(ds, file(), { keyring });
    expect(counts(summary, 'organizations')).toEqual([0, 0, 1]);
    expect(counts(summary, 'providers')).toEqual([0, 0, 3]);
    expect(counts(summary, 'users')).toEqual([0, 0, 2]);
    expect(counts(summary, 'virtualKeys')).toEqual([0, 0, 2]);
    expect(await audits()).toBe(before);
    // Not even rewritten: same ciphertext (a re-encryption would use a fresh IV), same updated_at.
    expect(await provider('openai')).toEqual(openai);
  });

  it('never brings back a key revoked since the last import', async () => {
    const keys = ds.getRepository(VirtualKey);
    const laptop = await keys.findOneByOrFail({ keyHash: hashKey(DEV_KEY) });
    await keys.update(laptop.id, { active: false, revokedAt: new Date() });
    await importConfig(ds, file(), { keyring });
    expect(await keys.findOneByOrFail({ id: laptop.id })).toMatchObject({ active: false });
    await keys.update(laptop.id, { active: true, revokedAt: null });
  });

  it('never stores a provider key or a virtual key in plaintext', async () => {
    const dump = await dumpAllTables(ds);
    expect(dump).toContain(CI_HASH); // the dump does see the data
    for (const secret of [OPENAI_KEY, ANTHROPIC_KEY, DEV_KEY, DEV_KEY.slice(-20), OPENAI_KEY.slice(-16)]) {
      expect(dump).not.toContain(secret);
    }
  });

  it('re-encrypts a changed provider key, and only that provider', async () => {
    const old = await provider('openai');
    const before = await audits();
    const summary = await importConfig(ds, file({ openaiKeyVar: 'OPENAI_API_KEY_2' }), { keyring });
    expect(counts(summary, 'providers')).toEqual([0, 1, 2]);
    const fresh = await provider('openai');
    expect(fresh.credentialCiphertext).not.toBe(old.credentialCiphertext);
    expect(decryptSecret(credentialEnvelope(fresh)!, keyring, { aad: `provider:${fresh.id}` })).toBe(
      OPENAI_KEY_2,
    );
    expect(await audits()).toBe(before + 1);
    const row = await ds
      .getRepository(AuditLog)
      .findOneByOrFail({ action: 'provider.update', entityId: fresh.id });
    expect(row.after).toMatchObject({ changed: ['api_key'] });
    const dump = await dumpAllTables(ds);
    expect(dump).not.toContain(OPENAI_KEY);
    expect(dump).not.toContain(OPENAI_KEY_2);
  });

  it('syncs manual models without touching discovered ones', async () => {
    const openai = await provider('openai');
    await ds
      .getRepository(ProviderModel)
      .insert({ providerId: openai.id, model: 'gpt-5', source: 'discovered' });
    // gpt-4.1-mini dropped, o3 added, gpt-5 listed but already discovered.
    const summary = await importConfig(
      ds,
      file({ openaiKeyVar: 'OPENAI_API_KEY_2', openaiModels: ['gpt-4.1', 'o3', 'gpt-5'] }),
      {
        keyring,
      },
    );
    expect(counts(summary, 'providers')).toEqual([0, 1, 2]);
    const models = await ds.getRepository(ProviderModel).findBy({ providerId: openai.id });
    expect(models.map((m) => [m.model, m.source]).sort()).toEqual([
      ['gpt-4.1', 'manual'],
      ['gpt-5', 'discovered'],
      ['o3', 'manual'],
    ]);
  });

  it('removes an allowed provider that the file no longer lists', async () => {
    const summary = await importConfig(
      ds,
      file({
        openaiKeyVar: 'OPENAI_API_KEY_2',
        openaiModels: ['gpt-4.1', 'o3', 'gpt-5'],
        devAllowed: ['anthropic'],
      }),
      { keyring },
    );
    expect(counts(summary, 'users')).toEqual([0, 1, 1]);
    expect(await access('dev@sunflower.example')).toEqual(['anthropic']);
    const { id } = await user('dev@sunflower.example');
    const row = await ds.getRepository(AuditLog).findOneByOrFail({ action: 'user.update', entityId: id });
    expect(row.before).toMatchObject({ allowedProviders: ['anthropic', 'openai'] });
    expect(row.after).toMatchObject({ allowedProviders: ['anthropic'], changed: ['allowedProviders'] });
  });

  it('refuses an unknown proxy name and rolls back everything', async () => {
    const before = await dumpAllTables(ds);
    const otherOrg = randomUUID();
    const bad = file({
      openaiKeyVar: 'ANTHROPIC_API_KEY', // a change that must not survive
      devAllowed: ['openai', 'anthropic'],
      extraUsers: `
      - email: new@sunflower.example
        allowed_providers: [openai, mistral]
  - id: ${otherOrg}
    name: Second`,
    });
    // New organization first, then the provider change, then the failing user: the failure is the
    // last write, so a rollback that missed anything would show in the dump.
    bad.organizations.reverse();
    await expect(importConfig(ds, bad, { keyring })).rejects.toThrow(
      new ImportError(
        'organization "Sunflower", user new@sunflower.example: allowed_providers names "mistral", which is not a provider of this organization',
      ),
    );
    expect(await ds.getRepository(Organization).findOneBy({ id: otherOrg })).toBeNull();
    expect(await dumpAllTables(ds)).toBe(before);
  });

  it('refuses a key that belongs to another user', async () => {
    const before = await audits();
    const stolen = file({
      openaiKeyVar: 'OPENAI_API_KEY_2',
      openaiModels: ['gpt-4.1', 'o3', 'gpt-5'],
      devAllowed: ['anthropic'],
      extraUsers: `
      - email: thief@sunflower.example
        keys: [{ name: mine, value: '${DEV_KEY}' }]`,
    });
    // The same key listed twice in one file is refused up front; here it moves between users.
    stolen.organizations[0]!.users[0]!.keys = [];
    const error = await importConfig(ds, stolen, { keyring }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toBe(
      'organization "Sunflower", user thief@sunflower.example, key "mine": this key already belongs to another user',
    );
    expect((error as Error).message).not.toContain(DEV_KEY);
    expect(await audits()).toBe(before);
  });

  it('resolves AI Access to a provider that exists only in the database, and deletes nothing absent', async () => {
    await ds.getRepository(Provider).insert({
      organizationId: ORG_ID,
      name: 'Made in the admin API',
      proxyName: 'admin-made',
      apiType: 'openai',
      baseUrl: 'https://example.invalid/v1',
    });
    const config = file({
      openaiKeyVar: 'OPENAI_API_KEY_2',
      openaiModels: ['gpt-4.1', 'o3', 'gpt-5'],
      devAllowed: ['anthropic', 'admin-made'],
    });
    const org = config.organizations[0]!;
    org.providers = org.providers.filter((p) => p.proxy_name !== 'ollama');
    org.users = org.users.filter((u) => u.email !== 'boss@sunflower.example');
    const summary = await importConfig(ds, config, { keyring });
    expect(counts(summary, 'users')).toEqual([0, 1, 0]);
    expect(await access('dev@sunflower.example')).toEqual(['admin-made', 'anthropic']);
    expect(await provider('ollama')).toBeDefined();
    expect(await user('boss@sunflower.example')).toBeDefined();
  });
});

describe('importConfig on the embedded PGlite, opened as the CLI does', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'optscale-import-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates the KEK and database in the data folder, imports, and re-imports as a no-op', async () => {
    const env = { OPTSCALE_DATA_DIR: dataDir };
    const first = await openStore(env);
    let auditCount: number;
    try {
      expect(first.location).toBe(`embedded:${join(dataDir, 'postgres')}`);
      expect(existsSync(join(dataDir, 'kek'))).toBe(true);
      await migrate(first.dataSource);
      const summary = await importConfig(first.dataSource, file(), { keyring: first.keyring });
      expect(counts(summary, 'providers')).toEqual([3, 0, 0]);
      auditCount = await first.dataSource.getRepository(AuditLog).count();
      expect(auditCount).toBe(8);
    } finally {
      await first.close();
    }

    // A second process: same folder, same KEK file, so the stored credentials still compare equal.
    const second = await openStore(env);
    try {
      expect(await migrate(second.dataSource)).toEqual([]);
      const summary = await importConfig(second.dataSource, file(), { keyring: second.keyring });
      expect(Object.values(summary).every((c) => c.created === 0 && c.updated === 0)).toBe(true);
      expect(await second.dataSource.getRepository(AuditLog).count()).toBe(auditCount);
      const dump = await dumpAllTables(second.dataSource);
      expect(dump).not.toContain(OPENAI_KEY);
      expect(dump).not.toContain(DEV_KEY);
    } finally {
      await second.close();
    }
  });
});
