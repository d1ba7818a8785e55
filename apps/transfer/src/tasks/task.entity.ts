import type { PreparedParts } from '@app/common';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A background task (copy, upload from URL, copy to upload location) and its outcome. */
@Entity({ name: 'tasks' })
@Index('tasks_app_account', ['appId', 'accountId'])
@Index('tasks_app_status', ['appId', 'status'])
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

  /** Progress while it runs: `{ bytes_done, bytes_total }`. */
  @Column({ type: 'jsonb', nullable: true })
  info: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  error: Record<string, unknown> | null;

  /** What to do (the validated request of the task's contract). */
  @Column({ type: 'jsonb' })
  params: Record<string, unknown>;

  /** Set by a cancel on any instance; the worker running the task sees it and stops. */
  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested: boolean;

  /** A chunked copy's open upload (source, target, upstream state, limits); null until prepared. */
  @Column({ type: 'jsonb', nullable: true })
  upload: TaskUpload | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** What a copy resolved before moving bytes: kept so a restarted worker continues the same upload. */
export type TaskUpload = PreparedParts;
