export { AuthServiceModule, authRoutes, createAuthService } from './auth-service';
export { ensureFirstOrganization } from './first-organization';
export type { FirstOrganizationOptions, FirstOrganizationResult } from './first-organization';
export { generateVirtualKey, randomBase62, KEY_PREFIX } from './keys/key-material';
export type { NewVirtualKey } from './keys/key-material';
export { connectBaseUrls, connectSnippets, claudeTiers } from './connect/connect-snippets';
export { SESSION_TTL_MS } from './session/session.service';
