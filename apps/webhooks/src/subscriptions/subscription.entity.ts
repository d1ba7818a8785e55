import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { SealedColumn } from '@app/common';

/** Seals signing secrets at rest; WebhooksModule gives it the key at start. */
export const signingSecretSealing = new SealedColumn();

/** A webhook endpoint of one app. */
@Entity({ name: 'subscriptions' })
@Index('subscriptions_app_id_created_at', ['appId', 'createdAt'])
export class SubscriptionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ type: 'text' })
  url: string;

  /** Event types, or ['*']. */
  @Column({ type: 'text', array: true })
  events: string[];

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Why the platform disabled the endpoint (410, too many failures); null when the app switched it off or it is on. */
  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: string | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** `whsec_…`; sealed at rest with ENCRYPTION_KEY, never logged. */
  @Column({ type: 'text', transformer: signingSecretSealing })
  secret: string;

  @Column({ name: 'previous_secret', type: 'text', nullable: true, transformer: signingSecretSealing })
  previousSecret: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
