import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Organization } from './organization.entity';

/** A reusable guardrail (PRODUCT.md 4.8). `settings` holds the type-specific fields, type included. */
@Entity({ name: 'guardrails' })
@Unique('UQ_guardrails_organization_name', ['organizationId', 'name'])
@Index('IDX_guardrails_organization_created_at', ['organizationId', 'createdAt'])
@Check('CHK_guardrails_stage', `"stage" IN ('input', 'output', 'both')`)
@Check('CHK_guardrails_action', `"action" IN ('redact', 'block', 'warn')`)
@Check('CHK_guardrails_threshold', `"threshold" >= 0 AND "threshold" <= 1`)
export class Guardrail {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_guardrails_organization' })
  organization?: Relation<Organization>;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'type', type: 'varchar', length: 32 })
  type!: string;

  @Column({ name: 'stage', type: 'varchar', length: 8 })
  stage!: 'input' | 'output' | 'both';

  /** A score threshold, not money: a double is exact enough. */
  @Column({ name: 'threshold', type: 'double precision' })
  threshold!: number;

  @Column({ name: 'action', type: 'varchar', length: 8 })
  action!: 'redact' | 'block' | 'warn';

  /** The contract's `guardrailSettingsSchema` value (includes `type`). */
  @Column({ name: 'settings', type: 'jsonb' })
  settings!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A policy (PRODUCT.md 4.7); its snapshot, guardrails embedded, is `optscale.config.policies.v1`. */
@Entity({ name: 'policies' })
@Unique('UQ_policies_organization_name', ['organizationId', 'name'])
@Index('IDX_policies_organization_created_at', ['organizationId', 'createdAt'])
@Check('CHK_policies_stage', `"stage" IN ('input', 'output', 'both')`)
@Check('CHK_policies_sampling_rate', `"sampling_rate" >= 0 AND "sampling_rate" <= 1`)
@Check('CHK_policies_timeout_ms', `"timeout_ms" > 0`)
export class Policy {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_policies_organization' })
  organization?: Relation<Organization>;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'enabled', type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'condition', type: 'text', default: '' })
  condition!: string;

  @Column({ name: 'stage', type: 'varchar', length: 8 })
  stage!: 'input' | 'output' | 'both';

  @Column({ name: 'sampling_rate', type: 'double precision', default: 1 })
  samplingRate!: number;

  @Column({ name: 'timeout_ms', type: 'integer', default: 1000 })
  timeoutMs!: number;

  @Column({ name: 'pass_on_timeout', type: 'boolean', default: false })
  passOnTimeout!: boolean;

  /** Request types it applies to; empty: all. */
  @Column({ name: 'request_types', type: 'jsonb', default: () => `'[]'` })
  requestTypes!: string[];

  @Column({ name: 'reversible_redaction', type: 'boolean', default: false })
  reversibleRedaction!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A guardrail linked to a policy, in the order they are evaluated. */
@Entity({ name: 'policy_guardrails' })
@Index('IDX_policy_guardrails_guardrail', ['guardrailId'])
export class PolicyGuardrail {
  @PrimaryColumn({ name: 'policy_id', type: 'uuid' })
  policyId!: string;

  @PrimaryColumn({ name: 'guardrail_id', type: 'uuid' })
  guardrailId!: string;

  @Column({ name: 'position', type: 'integer', default: 0 })
  position!: number;

  @ManyToOne(() => Policy, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'policy_id', foreignKeyConstraintName: 'FK_policy_guardrails_policy' })
  policy?: Relation<Policy>;

  @ManyToOne(() => Guardrail, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'guardrail_id', foreignKeyConstraintName: 'FK_policy_guardrails_guardrail' })
  guardrail?: Relation<Guardrail>;
}

/**
 * Per-policy evaluation counts by hour (PRODUCT.md 4.7's 24-hour cards), folded from the gateways'
 * request events by the policy service.
 */
@Entity({ name: 'policy_stats_hourly' })
@Index('IDX_policy_stats_hourly_organization_hour', ['organizationId', 'hour'])
export class PolicyStatsHourly {
  @PrimaryColumn({ name: 'policy_id', type: 'uuid' })
  policyId!: string;

  @PrimaryColumn({ name: 'hour', type: 'timestamptz' })
  hour!: Date;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Policy, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'policy_id', foreignKeyConstraintName: 'FK_policy_stats_hourly_policy' })
  policy?: Relation<Policy>;

  /** Requests the policy applied to (condition and request type matched), sampled or not. */
  @Column({ name: 'requests', type: 'integer', default: 0 })
  requests!: number;

  /** Of those, evaluated (sampled in); the rest were bypassed. */
  @Column({ name: 'evaluated', type: 'integer', default: 0 })
  evaluated!: number;

  /** Evaluations where some guardrail found something (any score). */
  @Column({ name: 'matched', type: 'integer', default: 0 })
  matched!: number;

  /** Evaluations where some guardrail's finding reached its threshold. */
  @Column({ name: 'violated', type: 'integer', default: 0 })
  violated!: number;

  @Column({ name: 'timed_out', type: 'integer', default: 0 })
  timedOut!: number;

  /** Sum of evaluation latencies in microseconds (integer, so sums stay exact). */
  @Column({ name: 'latency_us_sum', type: 'bigint', default: 0 })
  latencyUsSum!: string;
}
