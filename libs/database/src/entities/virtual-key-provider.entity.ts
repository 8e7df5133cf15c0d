import {
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { Provider } from './provider.entity';
import { VirtualKey } from './virtual-key.entity';

/**
 * Narrows a virtual key to some of its owner's allowed providers (the gateway uses the
 * intersection). A key without rows here is not narrowed: its owner's AI Access applies unchanged.
 */
@Entity({ name: 'virtual_key_providers' })
@Index('IDX_virtual_key_providers_provider', ['providerId'])
export class VirtualKeyProvider {
  @PrimaryColumn({ name: 'virtual_key_id', type: 'uuid' })
  virtualKeyId!: string;

  @PrimaryColumn({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @ManyToOne(() => VirtualKey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'virtual_key_id', foreignKeyConstraintName: 'FK_virtual_key_providers_key' })
  virtualKey?: Relation<VirtualKey>;

  @ManyToOne(() => Provider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'FK_virtual_key_providers_provider' })
  provider?: Relation<Provider>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
