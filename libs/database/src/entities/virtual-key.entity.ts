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
  type Relation,
} from 'typeorm';
import { Organization } from './organization.entity';
import { User } from './user.entity';

/**
 * A virtual key (PRODUCT.md 4.4). Only `sha256:<hex>` of the secret is stored, never the plaintext;
 * `public_id` is the short non-secret prefix shown in lists. The gateway looks keys up by hash.
 */
@Entity({ name: 'virtual_keys' })
@Unique('UQ_virtual_keys_key_hash', ['keyHash'])
@Unique('UQ_virtual_keys_public_id', ['publicId'])
@Index('IDX_virtual_keys_organization_created_at', ['organizationId', 'createdAt'])
@Index('IDX_virtual_keys_organization_active', ['organizationId', 'active'])
@Index('IDX_virtual_keys_owner', ['ownerUserId'])
@Check('CHK_virtual_keys_key_hash', `"key_hash" ~ '^sha256:[0-9a-f]{64}$'`)
export class VirtualKey {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_virtual_keys_organization' })
  organization?: Relation<Organization>;

  @Column({ name: 'owner_user_id', type: 'uuid' })
  ownerUserId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_user_id', foreignKeyConstraintName: 'FK_virtual_keys_owner' })
  owner?: Relation<User>;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  /** Non-secret display prefix of the key (e.g. `sk-os-3f9a1c2b`); unique. */
  @Column({ name: 'public_id', type: 'varchar', length: 32 })
  publicId!: string;

  /** `sha256:` + 64 lower-case hex digits of the full key. */
  @Column({ name: 'key_hash', type: 'varchar', length: 71 })
  keyHash!: string;

  @Column({ name: 'active', type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
