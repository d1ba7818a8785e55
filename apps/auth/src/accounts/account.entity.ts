import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'accounts' })
@Index('accounts_app_id_id', ['appId', 'id'])
@Index('accounts_app_service_upstream_user', ['appId', 'service', 'upstreamUserId'], { unique: true })
export class AccountEntity {
  /** Integer ids: Kloudless clients accept only digits (or `me`) in the account position. */
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ type: 'varchar', length: 32 })
  service: string;

  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'boolean', default: false })
  admin: boolean;

  /** The provider's id of the connected user (OAuth services): reconnecting the same user updates this row. */
  @Column({ name: 'upstream_user_id', type: 'varchar', length: 255, nullable: true })
  upstreamUserId: string | null;

  /** The connection config (credentials included), sealed by SecretBox. */
  @Column({ name: 'config_sealed', type: 'text' })
  configSealed: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
