import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'organizations' })
@Index('IDX_organizations_created_at', ['createdAt'])
export class Organization {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  /** ISO 4217 code; costs are reported in this currency. */
  @Column({ name: 'currency', type: 'char', length: 3, default: 'USD' })
  currency!: string;

  /**
   * Whether request and response bodies are kept with the traces (redacted, truncated). Off unless
   * an admin turns it on: prompts are the users' data.
   */
  @Column({ name: 'content_logging', type: 'boolean', default: false })
  contentLogging!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
