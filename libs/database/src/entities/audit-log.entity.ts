import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Organization } from './organization.entity';

/** A JSON value as stored in a JSONB column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One admin change. `before`/`after` are snapshots with secrets removed (`redactSecrets`).
 * `actor_user_id` has no foreign key on purpose: the log outlives the user; null means the
 * bootstrap token or the system (config import).
 */
@Entity({ name: 'audit_logs' })
@Index('IDX_audit_logs_organization_created_at', ['organizationId', 'createdAt'])
@Index('IDX_audit_logs_organization_entity', ['organizationId', 'entityType', 'entityId'])
@Index('IDX_audit_logs_organization_actor_created_at', ['organizationId', 'actorUserId', 'createdAt'])
export class AuditLog {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_audit_logs_organization' })
  organization?: Relation<Organization>;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  /** e.g. `provider.create`, `virtual_key.revoke`. */
  @Column({ name: 'action', type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 64 })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 64, nullable: true })
  entityId!: string | null;

  /**
   * JSON snapshots written through `redactSecrets` (which returns `JsonValue`). Typed `unknown`
   * because a recursive JSON type makes TypeORM's `FindOptionsWhere<AuditLog>` too deep for tsc.
   */
  @Column({ name: 'before', type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ name: 'after', type: 'jsonb', nullable: true })
  after!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
