import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AppEntity } from './app.entity';

/**
 * API keys are stored as SHA-256 digests only. Keys are 256-bit random values,
 * so a fast hash is enough (no dictionary to guess from) and lets a request
 * find its key by digest in one indexed lookup.
 */
@Entity({ name: 'api_keys' })
@Index('api_keys_app_id', ['appId'])
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @ManyToOne(() => AppEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'app_id', foreignKeyConstraintName: 'api_keys_app_id_fkey' })
  app?: AppEntity;

  @Column({ name: 'key_sha256', type: 'varchar', length: 64, unique: true })
  keySha256: string;

  /** First characters of the key, to tell keys apart in listings without revealing them. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 12 })
  keyPrefix: string;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
