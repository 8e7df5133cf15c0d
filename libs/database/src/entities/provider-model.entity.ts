import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { MODEL_SOURCES, sqlList, type ModelSource } from './columns';
import { Provider } from './provider.entity';

/** A model available through a provider: discovered from its model list or added by hand. */
@Entity({ name: 'provider_models' })
@Unique('UQ_provider_models_provider_model', ['providerId', 'model'])
@Check('CHK_provider_models_source', `"source" IN (${sqlList(MODEL_SOURCES)})`)
export class ProviderModel {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @ManyToOne(() => Provider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'FK_provider_models_provider' })
  provider?: Relation<Provider>;

  @Column({ name: 'model', type: 'varchar', length: 255 })
  model!: string;

  @Column({ name: 'source', type: 'varchar', length: 16 })
  source!: ModelSource;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
