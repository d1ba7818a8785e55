import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An app's own OAuth client for a service (its client id and sealed secret), used instead of the deployment's. */
@Entity({ name: 'app_oauth_clients' })
export class AppOAuthClientEntity {
  @PrimaryColumn({ name: 'app_id', type: 'varchar', length: 64, primaryKeyConstraintName: 'app_oauth_clients_pkey' })
  appId: string;

  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'app_oauth_clients_pkey' })
  service: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  /** SecretBox-sealed (key id inside): rotates with ENCRYPTION_KEY like every sealed value. */
  @Column({ name: 'client_secret_sealed', type: 'text' })
  clientSecretSealed: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
