import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigint = { to: (v: number) => v, from: (v: string) => Number(v) };

/** One part of a chunked copy: its byte range, its upstream part number and, once written, the destination's receipt. */
@Entity({ name: 'task_parts' })
export class TaskPartEntity {
  @PrimaryColumn({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @PrimaryColumn({ type: 'integer' })
  number: number;

  /** Part numbers this part may give its pieces when split. */
  @Column({ type: 'integer' })
  width: number;

  @Column({ type: 'bigint', transformer: bigint })
  offset: number;

  @Column({ type: 'bigint', transformer: bigint })
  size: number;

  @Column({ type: 'varchar', length: 8, default: 'pending' })
  status: 'pending' | 'done';

  @Column({ type: 'jsonb', nullable: true })
  receipt: { etag?: string } | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;

  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt: Date | null;
}
