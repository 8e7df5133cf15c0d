import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { hashPassword, randomToken } from '@optscale/admin-api';
import { importConfig } from '@optscale/config-import';
import { Organization, User, type Keyring } from '@optscale/database';
import { demoInstallation } from '@optscale/gateway-service';
import type { DataSource } from 'typeorm';

export interface FirstStart {
  organizationId: string;
  adminEmail: string;
  /** Shown on the first start only (also kept in the data folder, mode 0600). */
  adminPassword?: string;
  /** The demo user's virtual key, shown on the first start only (kept in `demo.json`). */
  key?: string;
}

interface SavedLogin {
  email: string;
  password: string;
}

/**
 * The first start of an empty installation: a demo organization (OpenAI and Anthropic with
 * credentials from OPENAI_API_KEY / ANTHROPIC_API_KEY when set, and a local Ollama), an admin with
 * access to all three, a virtual key, and a generated admin password. Later starts change nothing;
 * returns undefined when the database already had an organization.
 */
export async function firstStart(
  dataSource: DataSource,
  keyring: Keyring,
  dataDir: string,
): Promise<FirstStart | undefined> {
  if ((await dataSource.getRepository(Organization).count()) > 0) return undefined;
  const demo = demoInstallation(dataDir);
  await importConfig(dataSource, demo.config, { keyring });
  const organization = demo.config.organizations[0];
  const adminEmail = organization?.users.find((u) => u.role === 'admin')?.email;
  if (!organization || !adminEmail) throw new Error('the demo installation has no admin');
  const loginFile = join(dataDir, 'initial-admin.json');
  const saved: SavedLogin = existsSync(loginFile)
    ? (JSON.parse(readFileSync(loginFile, 'utf8')) as SavedLogin)
    : { email: adminEmail, password: randomToken(18) };
  writeFileSync(loginFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
  await dataSource
    .getRepository(User)
    .update(
      { organizationId: organization.id, email: adminEmail },
      { passwordHash: await hashPassword(saved.password) },
    );
  return { organizationId: organization.id, adminEmail, adminPassword: saved.password, key: demo.key };
}

/** A random secret kept in `file` (mode 0600), created on first use. */
export function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
