import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A domain event as received from Kafka (or a ping), stored before its offset is committed. */
@Entity({ name: 'events' })
@Index('events_app_id_occurred_at', ['appId', 'occurredAt'])
export class EventEntity {
  /** The publisher's event id; also the `webhook-id` of every delivery of it. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ type: 'varchar', length: 128 })
  type: string;

  @Column({ name: 'account_id', type: 'integer', nullable: true })
  accountId: number | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'jsonb' })
  data: unknown;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
