import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { localStackEnv } from '@optscale/testing';
import {
  AllowedProvider,
  AuditLog,
  Budget,
  MIGRATIONS,
  ModelPricingOverride,
  Organization,
  Provider,
  ProviderModel,
  Team,
  TeamMember,
  User,
  VirtualKey,
  createDataSource,
  createKek,
  createKeyring,
  credentialColumns,
  credentialEnvelope,
  decryptSecret,
  encryptSecret,
  migrate,
  pendingSchemaChanges,
  redactSecrets,
  startEmbeddedPostgres,
  type DatabaseConnectionOptions,
  type EmbeddedPostgres,
} from './index';

/** One way to reach an empty Postgres, and how to throw it away. */
interface Backend {
  name: string;
  open(): Promise<DatabaseConnectionOptions>;
  close(): Promise<void>;
}

/** A fresh database on the local stack's Postgres server, dropped at the end. */
function serverBackend(): Backend {
  const adminUrl = localStackEnv().testDatabaseUrl;
  const database = `optscale_db_spec_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'Postgres server',
    open: async () => {
      await admin(`CREATE DATABASE ${database}`);
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      return { url: url.toString(), poolSize: 4 };
    },
    close: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  };
}

/** PGlite in a temp folder behind pglite-socket; the folder is removed at the end. */
function embeddedBackend(): Backend & { restart(): Promise<DatabaseConnectionOptions> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'optscale-pglite-'));
  let running: EmbeddedPostgres | undefined;
  return {
    name: 'embedded PGlite',
    open: async () => (running = await startEmbeddedPostgres({ dataDir })),
    restart: async () => {
      await running?.stop();
      return (running = await startEmbeddedPostgres({ dataDir }));
    },
    close: async () => {
      await running?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const PROVIDER_SECRET = `sk-ant-api03-${randomBytes(24).toString('hex')}`;
const KEY_SECRET = randomBytes(24).toString('hex');
const KEY_PLAINTEXT = `sk-os-3f9a1c2b_${KEY_SECRET}`;
const keyring = createKeyring(createKek(randomBytes(32)));

interface Seeded {
  org: Organization;
  user: User;
  provider: Provider;
  key: VirtualKey;
}

/** Creates one of every entity, returning the rows that later tests look up. */
async function seed(ds: DataSource): Promise<Seeded> {
  const org = await ds.getRepository(Organization).save({ name: 'Acme', currency: 'EUR' });
  const user = await ds.getRepository(User).save({
    organizationId: org.id,
    email: 'Ada@Example.COM',
    name: 'Ada',
    role: 'admin',
    passwordHash: 'scrypt$N=16384$c2FsdA$aGFzaA',
    lastLoginAt: new Date('2025-03-04T05:06:07.089Z'),
  });
  const team = await ds.getRepository(Team).save({ organizationId: org.id, name: 'ML', description: null });
  await ds.getRepository(TeamMember).save({ teamId: team.id, userId: user.id });
  const providerId = randomUUID();
  const provider = await ds.getRepository(Provider).save({
    id: providerId,
    organizationId: org.id,
    name: 'Anthropic prod',
    proxyName: 'anthropic-prod',
    apiType: 'anthropic',
    baseUrl: 'https://api.anthropic.com',
    description: 'main account',
    status: 'active',
    ...credentialColumns(encryptSecret(PROVIDER_SECRET, keyring.current, { aad: `provider:${providerId}` })),
  });
  await ds
    .getRepository(AllowedProvider)
    .save({ userId: user.id, providerId: provider.id, organizationId: org.id });
  await ds.getRepository(ProviderModel).save([
    { providerId: provider.id, model: 'claude-sonnet-4-5', source: 'discovered' },
    { providerId: provider.id, model: 'my-finetune', source: 'manual' },
  ]);
  await ds.getRepository(ModelPricingOverride).save({
    organizationId: org.id,
    providerId: provider.id,
    model: 'claude-sonnet-4-5',
    inputPerMtok: '3.0000000001',
    outputPerMtok: '15',
    cacheReadPerMtok: '0.3',
    cacheWritePerMtok: null,
  });
  const key = await ds.getRepository(VirtualKey).save({
    organizationId: org.id,
    ownerUserId: user.id,
    name: 'laptop',
    publicId: 'sk-os-3f9a1c2b',
    keyHash: `sha256:${createHash('sha256').update(KEY_PLAINTEXT).digest('hex')}`,
    expiresAt: new Date('2030-01-01T00:00:00.000Z'),
  });
  await ds.getRepository(AuditLog).save({
    organizationId: org.id,
    actorUserId: user.id,
    action: 'provider.create',
    entityType: 'provider',
    entityId: provider.id,
    before: null,
    after: redactSecrets({ ...provider, apiKey: PROVIDER_SECRET }),
  });
  return { org, user, provider, key };
}

/** Every text-like column of every table that contains `needle`, as `table.column`. */
async function columnsContaining(ds: DataSource, needle: string): Promise<string[]> {
  const columns: Array<{ table_name: string; column_name: string }> = await ds.query(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public'
        AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'bytea')`,
  );
  expect(columns.length).toBeGreaterThan(20);
  const hits: string[] = [];
  for (const { table_name, column_name } of columns) {
    const rows: Array<{ n: number }> = await ds.query(
      `SELECT count(*)::int AS n FROM "${table_name}" WHERE strpos("${column_name}"::text, $1) > 0`,
      [needle],
    );
    if ((rows[0]?.n ?? 0) > 0) hits.push(`${table_name}.${column_name}`);
  }
  return hits;
}

const embedded = embeddedBackend();

describe.each<Backend>([serverBackend(), embedded])('database on $name', (backend) => {
  let ds: DataSource;
  let seeded: Seeded;

  beforeAll(async () => {
    ds = createDataSource(await backend.open());
    await ds.initialize();
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await backend.close();
  });

  it('applies every migration from empty, once, and the schema then matches the entities', async () => {
    expect(await pendingSchemaChanges(ds)).not.toEqual([]);
    expect(await migrate(ds)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await migrate(ds)).toEqual([]);
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  });

  it('reverts and re-applies the migrations', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables: unknown[] = await ds.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'providers'`,
    );
    expect(tables).toHaveLength(0);
    expect(await migrate(ds)).toHaveLength(MIGRATIONS.length);
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  });

  it('round-trips every entity', async () => {
    seeded = await seed(ds);
    const { org, user, provider, key } = seeded;
    expect(await ds.getRepository(Organization).findOneByOrFail({ id: org.id })).toEqual({
      id: org.id,
      name: 'Acme',
      currency: 'EUR',
      contentLogging: false,
      createdAt: expect.any(Date),
    });
    // Budget amounts are NUMERIC, read back as exact decimal strings (never through a float).
    const budget = await ds.getRepository(Budget).save({
      organizationId: org.id,
      scope: 'user',
      scopeId: user.id,
      amountUsd: '12345678901234.123456789',
      requestsPerMinute: 60,
    });
    expect(await ds.getRepository(Budget).findOneByOrFail({ id: budget.id })).toMatchObject({
      amountUsd: '12345678901234.123456789',
      period: 'monthly',
      resetMode: 'calendar',
      tokensPerMinute: null,
      active: true,
    });
    const storedUser = await ds
      .getRepository(User)
      .findOneByOrFail({ organizationId: org.id, email: 'ADA@example.com' });
    expect(storedUser).toMatchObject({ email: 'ada@example.com', role: 'admin', name: 'Ada' });
    expect(storedUser.lastLoginAt?.toISOString()).toBe('2025-03-04T05:06:07.089Z');
    expect(await ds.getRepository(Team).findBy({ organizationId: org.id })).toEqual([
      expect.objectContaining({ name: 'ML', description: null }),
    ]);
    expect(await ds.getRepository(TeamMember).findBy({ userId: user.id })).toHaveLength(1);
    expect(await ds.getRepository(AllowedProvider).findBy({ userId: user.id })).toEqual([
      expect.objectContaining({ providerId: provider.id, organizationId: org.id }),
    ]);

    const storedProvider = await ds.getRepository(Provider).findOneByOrFail({ id: provider.id });
    expect(storedProvider).toMatchObject({
      proxyName: 'anthropic-prod',
      status: 'active',
      baseUrl: 'https://api.anthropic.com',
    });
    expect(storedProvider.updatedAt).toBeInstanceOf(Date);
    const envelope = credentialEnvelope(storedProvider);
    expect(envelope).not.toBeNull();
    expect(decryptSecret(envelope!, keyring, { aad: `provider:${provider.id}` })).toBe(PROVIDER_SECRET);

    const models = await ds
      .getRepository(ProviderModel)
      .find({ where: { providerId: provider.id }, order: { model: 'ASC' } });
    expect(models.map((m) => [m.model, m.source])).toEqual([
      ['claude-sonnet-4-5', 'discovered'],
      ['my-finetune', 'manual'],
    ]);
    expect(
      await ds.getRepository(ModelPricingOverride).findOneByOrFail({ organizationId: org.id }),
    ).toMatchObject({
      inputPerMtok: '3.0000000001',
      outputPerMtok: '15.0000000000',
      cacheReadPerMtok: '0.3000000000',
      cacheWritePerMtok: null,
    });
    expect(await ds.getRepository(VirtualKey).findOneByOrFail({ keyHash: key.keyHash })).toMatchObject({
      publicId: 'sk-os-3f9a1c2b',
      active: true,
      revokedAt: null,
      expiresAt: new Date('2030-01-01T00:00:00.000Z'),
    });
    const audit = await ds.getRepository(AuditLog).findOneByOrFail({ organizationId: org.id });
    expect(audit.after).toMatchObject({
      proxyName: 'anthropic-prod',
      apiKey: '[redacted]',
      credentialCiphertext: '[redacted]',
    });
  });

  it('enforces the unique constraints', async () => {
    const { org, user, key } = seeded;
    const other = await ds.getRepository(Organization).save({ name: 'Other', currency: 'USD' });
    const providers = ds.getRepository(Provider);
    const base = {
      name: 'x',
      proxyName: 'anthropic-prod',
      apiType: 'openai',
      baseUrl: null,
      description: null,
    };
    await expect(providers.insert({ ...base, organizationId: org.id })).rejects.toMatchObject({
      driverError: { code: '23505', constraint: 'UQ_providers_organization_proxy_name' },
    });
    await expect(providers.insert({ ...base, organizationId: other.id })).resolves.toBeDefined();

    const keys = ds.getRepository(VirtualKey);
    await expect(
      keys.insert({
        organizationId: org.id,
        ownerUserId: user.id,
        name: 'dup',
        publicId: 'sk-os-other',
        keyHash: key.keyHash,
      }),
    ).rejects.toMatchObject({ driverError: { code: '23505', constraint: 'UQ_virtual_keys_key_hash' } });

    await expect(
      ds.getRepository(User).insert({ organizationId: org.id, email: 'ADA@example.com ', name: 'Ada 2' }),
    ).rejects.toMatchObject({ driverError: { code: '23505', constraint: 'UQ_users_organization_email' } });

    const prices = ds.getRepository(ModelPricingOverride);
    const price = {
      organizationId: org.id,
      providerId: null,
      model: 'gpt-4o',
      inputPerMtok: '2.5',
      outputPerMtok: '10',
    };
    await prices.insert({ ...price });
    await expect(prices.insert({ ...price })).rejects.toMatchObject({
      driverError: { code: '23505', constraint: 'UQ_model_pricing_overrides_org_model' },
    });
  });

  it('enforces the check constraints', async () => {
    const { org, user } = seeded;
    await expect(
      ds.getRepository(VirtualKey).insert({
        organizationId: org.id,
        ownerUserId: user.id,
        name: 'plain',
        publicId: 'sk-os-plain',
        keyHash: KEY_PLAINTEXT,
      }),
    ).rejects.toMatchObject({ driverError: { code: '23514', constraint: 'CHK_virtual_keys_key_hash' } });
    await expect(
      ds
        .getRepository(Provider)
        .insert({ organizationId: org.id, name: 'y', proxyName: 'Not URL safe/', apiType: 'openai' }),
    ).rejects.toMatchObject({ driverError: { code: '23514', constraint: 'CHK_providers_proxy_name' } });
    await expect(
      ds
        .getRepository(Provider)
        .insert({ organizationId: org.id, name: 'z', proxyName: 'z', apiType: 'openai', credentialIv: 'x' }),
    ).rejects.toMatchObject({
      driverError: { code: '23514', constraint: 'CHK_providers_credential_complete' },
    });
    await expect(
      ds.getRepository(Budget).insert({ organizationId: org.id, scope: 'organization', scopeId: org.id }),
    ).rejects.toMatchObject({ driverError: { code: '23514', constraint: 'CHK_budgets_some_limit' } });
    await expect(
      ds.getRepository(Budget).insert({
        organizationId: org.id,
        scope: 'organization',
        scopeId: org.id,
        amountUsd: '1',
        period: 'hourly' as 'daily',
      }),
    ).rejects.toMatchObject({ driverError: { code: '23514', constraint: 'CHK_budgets_period' } });
  });

  it('stores the provider credential only encrypted and the virtual key only as a hash', async () => {
    expect(await columnsContaining(ds, PROVIDER_SECRET)).toEqual([]);
    expect(await columnsContaining(ds, PROVIDER_SECRET.slice(-16))).toEqual([]);
    expect(await columnsContaining(ds, KEY_PLAINTEXT)).toEqual([]);
    expect(await columnsContaining(ds, KEY_SECRET)).toEqual([]);
    // The search itself works: the hash and the public prefix are found where they belong.
    expect(await columnsContaining(ds, seeded.key.keyHash)).toEqual(['virtual_keys.key_hash']);
    expect(await columnsContaining(ds, 'anthropic-prod')).toEqual(
      expect.arrayContaining(['providers.proxy_name', 'audit_logs.after']),
    );
  });
});

describe('embedded PGlite data folder', () => {
  const backend = embeddedBackend();
  afterAll(() => backend.close());

  it('keeps the data across a restart, and the migrations do not run again', async () => {
    const first = createDataSource(await backend.open());
    await first.initialize();
    await migrate(first);
    const { org, key, provider } = await seed(first);
    await first.destroy();

    const second = createDataSource(await backend.restart());
    await second.initialize();
    try {
      expect(await migrate(second)).toEqual([]);
      expect(await second.getRepository(Organization).findOneByOrFail({ id: org.id })).toMatchObject({
        name: 'Acme',
      });
      expect(await second.getRepository(VirtualKey).findOneByOrFail({ id: key.id })).toMatchObject({
        keyHash: key.keyHash,
      });
      const stored = await second.getRepository(Provider).findOneByOrFail({ id: provider.id });
      const envelope = credentialEnvelope(stored);
      expect(envelope).not.toBeNull();
      expect(decryptSecret(envelope!, keyring, { aad: `provider:${provider.id}` })).toBe(PROVIDER_SECRET);
    } finally {
      await second.destroy();
    }
  });
});
