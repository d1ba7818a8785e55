import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One connect attempt between our redirect to the provider and its callback:
 * bound to the app, service and redirect URI, single use (`used_at`), expiring
 * after 10 minutes. Keyed by the SHA-256 of the `state` we sent the provider.
 */
@Entity({ name: 'oauth_states' })
export class OAuthStateEntity {
  @PrimaryColumn({ name: 'state_sha256', type: 'varchar', length: 64 })
  stateSha256: string;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @Column({ type: 'varchar', length: 32 })
  service: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  /** The app's own `state`, echoed back to it. */
  @Column({ name: 'app_state', type: 'text', nullable: true })
  appState: string | null;

  @Column({ type: 'varchar', length: 1024 })
  scope: string;

  /** The PKCE verifier, sealed by SecretBox. */
  @Column({ name: 'code_verifier_sealed', type: 'text' })
  codeVerifierSealed: string;

  /** The File Picker's popup flow: the origin its result is posted to (registered by the app), else null. */
  @Column({ name: 'popup_origin', type: 'text', nullable: true })
  popupOrigin: string | null;

  /** The picker's `request_id`, echoed in the posted message. */
  @Column({ name: 'popup_request_id', type: 'varchar', length: 256, nullable: true })
  popupRequestId: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
