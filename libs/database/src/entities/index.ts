import { AllowedProvider } from './allowed-provider.entity';
import { AuditLog } from './audit-log.entity';
import { ModelPricingOverride } from './model-pricing-override.entity';
import { Organization } from './organization.entity';
import { ProviderModel } from './provider-model.entity';
import { Provider } from './provider.entity';
import { Session } from './session.entity';
import { Team, TeamMember } from './team.entity';
import { User } from './user.entity';
import { VirtualKey } from './virtual-key.entity';
import { VirtualKeyProvider } from './virtual-key-provider.entity';

export {
  AllowedProvider,
  AuditLog,
  ModelPricingOverride,
  Organization,
  Provider,
  ProviderModel,
  Session,
  Team,
  TeamMember,
  User,
  VirtualKey,
  VirtualKeyProvider,
};
export type { JsonValue } from './audit-log.entity';
export { MODEL_SOURCES, PROVIDER_STATUSES, USER_ROLES } from './columns';
export type { ModelSource, ProviderStatus, UserRole } from './columns';

/** Every entity of the relational store; the data source and the migration generator use this list. */
export const ENTITIES = [
  Organization,
  User,
  Team,
  TeamMember,
  Provider,
  AllowedProvider,
  VirtualKey,
  VirtualKeyProvider,
  ProviderModel,
  ModelPricingOverride,
  AuditLog,
  Session,
] as const;
