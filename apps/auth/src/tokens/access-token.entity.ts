import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';

/**
 * Bearer tokens we issue to apps, one account each. Only the SHA-256 digest is
 * kept; the row goes with its account (ON DELETE CASCADE), so deleting an
 * account revokes every token of it.
 */
@Entity({ name: 'access_tokens' })
@Index('access_tokens_account_id', ['accountId'])
export class AccessTokenEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ name: 'token_sha256', type: 'varchar', length: 64, unique: true })
  tokenSha256: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'access_tokens_account_id_fkey' })
  account?: AccountEntity;

  /** The Kloudless scope the token was granted with (e.g. `gdrive:normal.storage`). */
  @Column({ type: 'varchar', length: 255 })
  scope: string;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
