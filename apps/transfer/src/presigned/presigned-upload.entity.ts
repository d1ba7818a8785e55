import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A file of the presigned-upload API: issued (Started), bytes arriving through the gateway (In Transit), registered (Complete). */
@Entity({ name: 'presigned_uploads' })
export class PresignedUploadEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ type: 'varchar', length: 1024 })
  key: string;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ name: 'content_type', type: 'varchar', length: 255 })
  contentType: string;

  /** bigint: returned by pg as a string. */
  @Column({ type: 'bigint' })
  size: string;

  @Column({ type: 'jsonb', default: {} })
  tags: Record<string, string>;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @Column({ name: 'folder_id', type: 'varchar', length: 4096 })
  folderId: string;

  @Column({ name: 'file_id', type: 'varchar', length: 8192 })
  fileId: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
