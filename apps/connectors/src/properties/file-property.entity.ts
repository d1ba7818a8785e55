import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One app-defined property of a file. Keyed by the file's path below the
 * account root (its id is that path encoded), so a folder delete or move can
 * find everything below it with one prefix.
 */
@Entity({ name: 'file_properties' })
export class FilePropertyEntity {
  @PrimaryColumn({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @PrimaryColumn({ name: 'account_id', type: 'integer' })
  accountId: number;

  @PrimaryColumn({ type: 'text' })
  path: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'text' })
  value: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt: Date;
}
