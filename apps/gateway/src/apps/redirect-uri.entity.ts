import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AppEntity } from './app.entity';

/** What an app registers for its OAuth flows: a redirect URI, or an origin the popup flow may post to. */
export type RegisteredUriKind = 'redirect_uri' | 'origin';

/**
 * A redirect URI an app registered for the OAuth connect flow, or an origin for
 * the File Picker's popup flow; `GET /v1/oauth` accepts only these (exact match).
 */
@Entity({ name: 'app_redirect_uris' })
@Index('app_redirect_uris_app_id_kind_uri', ['appId', 'kind', 'uri'], { unique: true })
export class RedirectUriEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ name: 'app_id', type: 'varchar', length: 64 })
  appId: string;

  @ManyToOne(() => AppEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'app_id', foreignKeyConstraintName: 'app_redirect_uris_app_id_fkey' })
  app?: AppEntity;

  @Column({ type: 'varchar', length: 16, default: 'redirect_uri' })
  kind: RegisteredUriKind;

  @Column({ type: 'text' })
  uri: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
