import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A chunked upload in progress (POST .../storage/multipart). */
@Entity({ name: 'multipart_sessions' })
@Index('multipart_sessions_app_account', ['appId', 'accountId'])
export class MultipartSessionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @Column({ name: 'parent_id', type: 'text' })
  parentId: string;

  /** Final path below the account root (the free name chosen at creation when overwrite=false). */
  @Column({ type: 'text' })
  path: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  size: number;

  @Column({ name: 'part_size', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  partSize: number;

  /** The connector's ChunkWriter.state: reopens the upload after a restart. */
  @Column({ name: 'upload_state', type: 'jsonb', default: {} })
  uploadState: Record<string, string | number>;

  /** Receipts of the parts written so far, by part number. */
  @Column({ type: 'jsonb', default: {} })
  parts: Record<string, { etag?: string }>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
