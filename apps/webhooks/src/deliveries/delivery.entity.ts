import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { EventEntity } from '../events/event.entity';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event to one endpoint. Its attempts are AttemptEntity rows. */
@Entity({ name: 'deliveries' })
@Index('deliveries_subscription_id_event_id', ['subscriptionId', 'eventId'], { unique: true })
@Index('deliveries_subscription_id_created_at', ['subscriptionId', 'createdAt'])
@Index('deliveries_event_id', ['eventId'])
@Index('deliveries_pending_next_attempt_at', ['nextAttemptAt'], { where: `status = 'pending'` })
@Index('deliveries_first_attempt_due', ['nextAttemptAt'], { where: `status = 'pending' AND attempt_count = 0` })
@Check('deliveries_status_check', `status IN ('pending', 'succeeded', 'failed')`)
export class DeliveryEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  /** Declared for the foreign key only (deleting an endpoint deletes its deliveries); never loaded. */
  @ManyToOne(() => SubscriptionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id', foreignKeyConstraintName: 'deliveries_subscription_id_fkey' })
  subscription?: SubscriptionEntity;

  @Column({ name: 'event_id', type: 'varchar', length: 128 })
  eventId: string;

  @ManyToOne(() => EventEntity)
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'deliveries_event_id_fkey' })
  event?: EventEntity;

  @Column({ name: 'event_type', type: 'varchar', length: 128 })
  eventType: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ name: 'attempt_count', type: 'integer', default: 0 })
  attemptCount: number;

  /** The schedule's length at creation; a manual retry allows one more. */
  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts: number;

  @Column({ name: 'first_attempt_at', type: 'timestamptz', nullable: true })
  firstAttemptAt: Date | null;

  /** When the next attempt is due; null unless pending. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  /** Why it ended without an attempt's answer deciding it (e.g. the endpoint was disabled). */
  /** A worker's lease on a first attempt it claimed; another may claim it once this has passed. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
