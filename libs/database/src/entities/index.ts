import { AllowedProvider } from './allowed-provider.entity';
import { AuditLog } from './audit-log.entity';
import { Budget } from './budget.entity';
import { Guardrail, Policy, PolicyGuardrail, PolicyStatsHourly } from './guardrail.entity';
import { RoutingRule } from './routing-rule.entity';
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
  Budget,
  Guardrail,
  Policy,
  PolicyGuardrail,
  PolicyStatsHourly,
  RoutingRule,
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
export type { RouteTargetColumn } from './routing-rule.entity';
export { MODEL_SOURCES, PROVIDER_STATUSES, USER_ROLES } from './columns';
export { BUDGET_PERIODS, BUDGET_RESET_MODES, BUDGET_SCOPES } from './budget.entity';
export type { BudgetPeriodColumn, BudgetResetModeColumn, BudgetScopeColumn } from './budget.entity';
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
  RoutingRule,
  Guardrail,
  Policy,
  PolicyGuardrail,
  PolicyStatsHourly,
  Budget,
] as const;
