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
import { PROVIDER_STATUSES, sqlList, type ProviderStatus } from './columns';
import { Organization } from './organization.entity';

/**
 * A provider connection (PRODUCT.md 4.5). The credential is stored only as an AES-256-GCM envelope
 * (`crypto/envelope.ts`): the four `credential_*` columns are all set or all null, and there is no
 * plaintext column. The admin API never returns them.
 */
@Entity({ name: 'providers' })
@Unique('UQ_providers_organization_proxy_name', ['organizationId', 'proxyName'])
@Index('IDX_providers_organization_created_at', ['organizationId', 'createdAt'])
@Index('IDX_providers_organization_status', ['organizationId', 'status'])
@Index('IDX_providers_organization_api_type', ['organizationId', 'apiType'])
@Check('CHK_providers_status', `"status" IN (${sqlList(PROVIDER_STATUSES)})`)
@Check('CHK_providers_proxy_name', `"proxy_name" ~ '^[a-z0-9][a-z0-9._-]*$'`)
@Check(
  'CHK_providers_credential_complete',
  `("credential_ciphertext" IS NULL) = ("credential_iv" IS NULL) AND ("credential_iv" IS NULL) = ("credential_tag" IS NULL) AND ("credential_tag" IS NULL) = ("credential_key_id" IS NULL)`,
)
export class Provider {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_providers_organization' })
  organization?: Relation<Organization>;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  /** URL-safe slug used in `<proxy_name>/<model>`; unique in the organization. */
  @Column({ name: 'proxy_name', type: 'varchar', length: 64 })
  proxyName!: string;

  /** openai | anthropic | gemini | ollama | azure | bedrock | vertex | openai-compatible ... */
  @Column({ name: 'api_type', type: 'varchar', length: 32 })
  apiType!: string;

  @Column({ name: 'base_url', type: 'varchar', length: 2048, nullable: true })
  baseUrl!: string | null;

  @Column({ name: 'description', type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'status', type: 'varchar', length: 16, default: 'active' })
  status!: ProviderStatus;

  /** Which connection wins a bare model name that several list (lower first), as the admin ordered them. */
  @Column({ name: 'position', type: 'integer', default: 0 })
  position!: number;

  /** Azure OpenAI `api-version`; null for every other API type. */
  @Column({ name: 'api_version', type: 'varchar', length: 64, nullable: true })
  apiVersion!: string | null;

  @Column({ name: 'credential_ciphertext', type: 'text', nullable: true })
  credentialCiphertext!: string | null;

  @Column({ name: 'credential_iv', type: 'varchar', length: 32, nullable: true })
  credentialIv!: string | null;

  @Column({ name: 'credential_tag', type: 'varchar', length: 32, nullable: true })
  credentialTag!: string | null;

  @Column({ name: 'credential_key_id', type: 'varchar', length: 64, nullable: true })
  credentialKeyId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
