import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { sqlList } from './columns';
import { Organization } from './organization.entity';

export const BUDGET_SCOPES = ['key', 'user', 'team', 'organization'] as const;
export type BudgetScopeColumn = (typeof BUDGET_SCOPES)[number];
export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type BudgetPeriodColumn = (typeof BUDGET_PERIODS)[number];
export const BUDGET_RESET_MODES = ['calendar', 'rolling'] as const;
export type BudgetResetModeColumn = (typeof BUDGET_RESET_MODES)[number];

/**
 * A budget and/or rate limit on one scope of an organization (PRODUCT.md 4.4, 7.2); its snapshot is
 * `optscale.config.budgets.v1`. The amount is USD as NUMERIC with 9 decimals (nanodollars, the unit
 * of every cost), read and written as a decimal string, never a float.
 */
@Entity({ name: 'budgets' })
@Index('IDX_budgets_organization_scope', ['organizationId', 'scope', 'scopeId'])
@Check('CHK_budgets_scope', `"scope" IN (${sqlList(BUDGET_SCOPES)})`)
@Check('CHK_budgets_period', `"period" IN (${sqlList(BUDGET_PERIODS)})`)
@Check('CHK_budgets_reset_mode', `"reset_mode" IN (${sqlList(BUDGET_RESET_MODES)})`)
@Check('CHK_budgets_amount', `"amount_usd" IS NULL OR "amount_usd" >= 0`)
@Check(
  'CHK_budgets_some_limit',
  `"amount_usd" IS NOT NULL OR "requests_per_minute" IS NOT NULL OR "tokens_per_minute" IS NOT NULL`,
)
@Check('CHK_budgets_rates', `coalesce("requests_per_minute", 1) > 0 AND coalesce("tokens_per_minute", 1) > 0`)
export class Budget {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_budgets_organization' })
  organization?: Relation<Organization>;

  @Column({ name: 'name', type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Column({ name: 'scope', type: 'varchar', length: 16 })
  scope!: BudgetScopeColumn;

  /** The key, user or team id; the organization's own id for the organization scope. */
  @Column({ name: 'scope_id', type: 'uuid' })
  scopeId!: string;

  /** USD per period; null: no spending limit (rate limits only). */
  @Column({ name: 'amount_usd', type: 'numeric', precision: 24, scale: 9, nullable: true })
  amountUsd!: string | null;

  @Column({ name: 'period', type: 'varchar', length: 16, default: 'monthly' })
  period!: BudgetPeriodColumn;

  @Column({ name: 'reset_mode', type: 'varchar', length: 16, default: 'calendar' })
  resetMode!: BudgetResetModeColumn;

  @Column({ name: 'requests_per_minute', type: 'integer', nullable: true })
  requestsPerMinute!: number | null;

  @Column({ name: 'tokens_per_minute', type: 'integer', nullable: true })
  tokensPerMinute!: number | null;

  @Column({ name: 'active', type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
