import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A background task (copy, upload from URL, copy to upload location) and its outcome. */
@Entity({ name: 'tasks' })
@Index('tasks_app_account', ['appId', 'accountId'])
export class TaskEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ name: 'account_id', type: 'integer' })
  accountId: number;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  /** PENDING, STARTED, SUCCESS or FAILURE (Kloudless task states). */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'jsonb', nullable: true })
  info: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  error: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
