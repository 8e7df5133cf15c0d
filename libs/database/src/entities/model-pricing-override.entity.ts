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
import { DECIMAL } from './columns';
import { Organization } from './organization.entity';
import { Provider } from './provider.entity';

/**
 * An organization's price for a model, overriding the built-in catalog: for one provider
 * connection, or for every provider when `provider_id` is null. Prices are per million tokens in
 * the organization's currency, NUMERIC in the database and decimal strings in code.
 *
 * Uniqueness needs two partial indexes because NULLs are distinct in a plain unique index (and
 * TypeORM has no `NULLS NOT DISTINCT`).
 */
@Entity({ name: 'model_pricing_overrides' })
@Index('UQ_model_pricing_overrides_provider_model', ['organizationId', 'providerId', 'model'], {
  unique: true,
  where: '"provider_id" IS NOT NULL',
})
@Index('UQ_model_pricing_overrides_org_model', ['organizationId', 'model'], {
  unique: true,
  where: '"provider_id" IS NULL',
})
@Index('IDX_model_pricing_overrides_provider', ['providerId'])
@Check(
  'CHK_model_pricing_overrides_non_negative',
  `"input_per_mtok" >= 0 AND "output_per_mtok" >= 0 AND ("cache_read_per_mtok" IS NULL OR "cache_read_per_mtok" >= 0) AND ("cache_write_per_mtok" IS NULL OR "cache_write_per_mtok" >= 0)`,
)
export class ModelPricingOverride {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'organization_id',
    foreignKeyConstraintName: 'FK_model_pricing_overrides_organization',
  })
  organization?: Relation<Organization>;

  @Column({ name: 'provider_id', type: 'uuid', nullable: true })
  providerId!: string | null;

  @ManyToOne(() => Provider, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'FK_model_pricing_overrides_provider' })
  provider?: Relation<Provider> | null;

  @Column({ name: 'model', type: 'varchar', length: 255 })
  model!: string;

  @Column({ name: 'input_per_mtok', ...DECIMAL })
  inputPerMtok!: string;

  @Column({ name: 'output_per_mtok', ...DECIMAL })
  outputPerMtok!: string;

  @Column({ name: 'cache_read_per_mtok', ...DECIMAL, nullable: true })
  cacheReadPerMtok!: string | null;

  @Column({ name: 'cache_write_per_mtok', ...DECIMAL, nullable: true })
  cacheWritePerMtok!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
