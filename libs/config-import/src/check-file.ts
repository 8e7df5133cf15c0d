import type { ConfigFile } from '@optscale/gateway-service';
import { ImportError } from './import-error';
import { keyHashOf } from './key-identity';

/**
 * Checks what the schema cannot: natural keys that must be unique within the file. Without it a
 * duplicate would silently become "last one wins" (or a constraint violation naming a column),
 * and a key listed twice would bounce between two owners on every import.
 */
export function checkFileUniqueness(config: ConfigFile): void {
  const orgIds = new Set<string>();
  const keyOwners = new Map<string, string>();
  for (const org of config.organizations) {
    const orgId = org.id.toLowerCase();
    if (orgIds.has(orgId)) throw new ImportError(`organization ${org.id} is listed twice`);
    orgIds.add(orgId);

    const proxyNames = new Set<string>();
    for (const provider of org.providers) {
      if (proxyNames.has(provider.proxy_name)) {
        throw new ImportError(
          `organization "${org.name}": provider proxy_name "${provider.proxy_name}" is listed twice`,
        );
      }
      proxyNames.add(provider.proxy_name);
    }

    const emails = new Set<string>();
    for (const user of org.users) {
      const email = normalizeEmail(user.email);
      if (emails.has(email)) {
        throw new ImportError(`organization "${org.name}": user ${email} is listed twice`);
      }
      emails.add(email);
      for (const key of user.keys) {
        const where = `organization "${org.name}", user ${email}, key "${key.name}"`;
        const hash = keyHashOf(key);
        const first = keyOwners.get(hash);
        // Names the two places, never the key or its hash.
        if (first) throw new ImportError(`${where}: the same key is also listed at ${first}`);
        keyOwners.set(hash, where);
      }
    }
  }
}

/** As the `users.email` column stores it (its transformer trims and lower-cases). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
