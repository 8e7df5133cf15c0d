import type { MigrationInterface } from 'typeorm';
import { Initial1795216323669 } from './1795216323669-Initial';
import { SessionsKeyProvidersProviderOrder1795217999480 } from './1795217999480-SessionsKeyProvidersProviderOrder';
import { RoutingRulesPoliciesGuardrails1795220132214 } from './1795220132214-RoutingRulesPoliciesGuardrails';
import { BudgetsAndContentLogging1795229466691 } from './1795229466691-BudgetsAndContentLogging';

/**
 * Every migration, oldest first. Append-only: never edit or remove a migration that has shipped;
 * change the schema with a new one (README.md, "Migrations").
 */
export const MIGRATIONS: ReadonlyArray<new () => MigrationInterface> = [
  Initial1795216323669,
  SessionsKeyProvidersProviderOrder1795217999480,
  RoutingRulesPoliciesGuardrails1795220132214,
  BudgetsAndContentLogging1795229466691,
];
