import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A shared link to one file. The token is kept only sealed, and found by its SHA-256. */
@Entity({ name: 'links' })
@Index('links_app_account', ['appId', 'accountId'])
export class LinkEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  /** The file's path below the account root (its id is this path encoded). */
  @Column({ type: 'text' })
  path: string;

  @Index('links_token_digest', { unique: true })
  @Column({ name: 'token_digest', type: 'char', length: 64 })
  tokenDigest: string;

  /** SecretBox of the token, so the link's `url` can be shown again. */
  @Column({ name: 'token_sealed', type: 'text' })
  tokenSealed: string;

  @Column({ type: 'boolean' })
  direct: boolean;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** scrypt hash made by the gateway; null: no password. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt: Date;
}
