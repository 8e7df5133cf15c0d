import { hashPassword, randomToken, writeAudit } from '@optscale/admin-api';
import { Organization, User } from '@optscale/database';
import type { DataSource } from 'typeorm';

export interface FirstOrganizationOptions {
  organizationName: string;
  adminEmail: string;
  /** Omitted: one is generated and returned (print it once, on first start). */
  adminPassword?: string;
}

export interface FirstOrganizationResult {
  /** False when any organization existed already: nothing was changed. */
  created: boolean;
  organizationId: string;
  adminEmail: string;
  /** Only when created without a given password: the generated one, which is stored only hashed. */
  adminPassword?: string;
}

/**
 * An arbitrary constant for `pg_advisory_xact_lock`: two processes starting against the same empty
 * database must not both create "the first" organization.
 */
const FIRST_ORGANIZATION_LOCK = 4_207_512_001;

/**
 * The embedded platform's first start: an organization and its admin, only when there is no
 * organization at all (so a deleted default is not resurrected while others exist). Call it
 * before the `auth` unit starts; its full publish then carries the new admin. A later call only
 * reports the oldest organization.
 */
export async function ensureFirstOrganization(
  dataSource: DataSource,
  options: FirstOrganizationOptions,
): Promise<FirstOrganizationResult> {
  const email = options.adminEmail.trim().toLowerCase();
  const generated = options.adminPassword === undefined ? randomToken(18) : undefined;
  const password = options.adminPassword ?? generated ?? '';
  return dataSource.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ORGANIZATION_LOCK]);
    const existing = await m.getRepository(Organization).find({ order: { createdAt: 'ASC' }, take: 1 });
    const first = existing[0];
    if (first) return { created: false, organizationId: first.id, adminEmail: email };
    const organization = await m
      .getRepository(Organization)
      .save({ name: options.organizationName, currency: 'USD' });
    const admin = await m.getRepository(User).save({
      organizationId: organization.id,
      email,
      name: email.split('@')[0] ?? email,
      role: 'admin' as const,
      passwordHash: await hashPassword(password),
    });
    await writeAudit(m, {
      organizationId: organization.id,
      actor: null,
      action: 'organization.create',
      entityType: 'organization',
      entityId: organization.id,
      after: { id: organization.id, name: organization.name, currency: organization.currency },
    });
    await writeAudit(m, {
      organizationId: organization.id,
      actor: null,
      action: 'user.create',
      entityType: 'user',
      entityId: admin.id,
      after: { id: admin.id, email: admin.email, name: admin.name, role: admin.role },
    });
    const result: FirstOrganizationResult = {
      created: true,
      organizationId: organization.id,
      adminEmail: email,
    };
    if (generated !== undefined) result.adminPassword = generated;
    return result;
  });
}
