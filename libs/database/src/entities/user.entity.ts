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
import { lowerCase, sqlList, USER_ROLES, type UserRole } from './columns';
import { Organization } from './organization.entity';

@Entity({ name: 'users' })
@Unique('UQ_users_organization_email', ['organizationId', 'email'])
@Index('IDX_users_organization_created_at', ['organizationId', 'createdAt'])
@Index('IDX_users_organization_role', ['organizationId', 'role'])
@Check('CHK_users_role', `"role" IN (${sqlList(USER_ROLES)})`)
export class User {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'FK_users_organization' })
  organization?: Relation<Organization>;

  /** Stored lower-cased (the transformer also lower-cases values in `where`). */
  @Column({ name: 'email', type: 'varchar', length: 320, transformer: lowerCase })
  email!: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'role', type: 'varchar', length: 16, default: 'member' })
  role!: UserRole;

  /** scrypt/argon2 PHC string; null for users who have not set a password (invited, SSO). */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
