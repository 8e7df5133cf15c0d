import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { Organization } from './organization.entity';
import { Provider } from './provider.entity';
import { User } from './user.entity';

/**
 * AI Access (PRODUCT.md 4.3): the provider connections a user may use. No row, no access: a new
 * user has none. `organization_id` is denormalized so that one org's access list is one index scan.
 */
@Entity({ name: 'allowed_providers' })
@Index('IDX_allowed_providers_organization', ['organizationId'])
@Index('IDX_allowed_providers_provider', ['providerId'])
export class AllowedProvider {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_allowed_providers_user' })
  user?: Relation<User>;

  @ManyToOne(() => Provider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'FK_allowed_providers_provider' })
  provider?: Relation<Provider>;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_allowed_providers_organization' })
  organization?: Relation<Organization>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
