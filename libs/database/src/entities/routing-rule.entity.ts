import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Organization } from './organization.entity';

/** A provider (proxy name) and optionally the model to ask it for; weights only on targets. */
export interface RouteTargetColumn {
  provider: string;
  model?: string;
  weight?: number;
}

/** A routing rule (PRODUCT.md 4.6); its snapshot is `optscale.config.routes.v1`. */
@Entity({ name: 'routing_rules' })
@Unique('UQ_routing_rules_organization_name', ['organizationId', 'name'])
@Index('IDX_routing_rules_organization_scope_priority', ['organizationId', 'scope', 'priority'])
@Check('CHK_routing_rules_scope', `"scope" IN ('key', 'team', 'organization')`)
@Check('CHK_routing_rules_scope_id', `("scope" = 'organization') = ("scope_id" IS NULL)`)
export class RoutingRule {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_routing_rules_organization' })
  organization?: Relation<Organization>;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'enabled', type: 'boolean', default: true })
  enabled!: boolean;

  /** CEL, validated on save; empty: always. */
  @Column({ name: 'condition', type: 'text', default: '' })
  condition!: string;

  @Column({ name: 'scope', type: 'varchar', length: 16 })
  scope!: 'key' | 'team' | 'organization';

  /** The key or team the rule is scoped to; null for the organization scope. */
  @Column({ name: 'scope_id', type: 'uuid', nullable: true })
  scopeId!: string | null;

  @Column({ name: 'priority', type: 'integer', default: 100 })
  priority!: number;

  /** Model names (aliases) the rule answers to; empty: any. */
  @Column({ name: 'models', type: 'jsonb', default: () => `'[]'` })
  models!: string[];

  @Column({ name: 'targets', type: 'jsonb' })
  targets!: RouteTargetColumn[];

  @Column({ name: 'fallbacks', type: 'jsonb', default: () => `'[]'` })
  fallbacks!: RouteTargetColumn[];

  /** `{ maxRetries, initialBackoffMs, maxBackoffMs }`; null: the gateway's default. */
  @Column({ name: 'retry', type: 'jsonb', nullable: true })
  retry!: { maxRetries: number; initialBackoffMs: number; maxBackoffMs: number } | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
