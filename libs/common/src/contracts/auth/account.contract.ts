import { z } from 'zod';
import { defineContract } from '../envelope';
import { pagingSchema } from '../paging';
import type { ObjectList, PublicAccount } from '../public-objects';
import { TOPICS } from '../topics';
import type { SealedCredentials } from '../../crypto/credentials-transport';

/** Names of the services an account can be connected to (credential-based so far). */
export const SERVICE_NAMES = ['local', 's3', 's3_compatible', 'azure', 'webdav', 'sftp', 'ftp'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Services connected through the OAuth flow (Kloudless' identifiers: OneDrive is `skydrive`). */
export const OAUTH_SERVICE_NAMES = ['gdrive', 'dropbox', 'box', 'skydrive'] as const;
export type OAuthServiceName = (typeof OAUTH_SERVICE_NAMES)[number];

export const accountIdSchema = z.number().int().positive();
const byAccountId = z.object({ accountId: accountIdSchema });

export const AccountCreate = defineContract<PublicAccount>()(
  TOPICS.auth.accountCreate,
  z.object({
    service: z.enum(SERVICE_NAMES),
    config: z.record(z.string(), z.unknown()),
    account: z.string().min(1).max(255).optional(),
  }),
);

export const AccountList = defineContract<ObjectList<PublicAccount>>()(TOPICS.auth.accountList, pagingSchema);

export const AccountGet = defineContract<PublicAccount>()(TOPICS.auth.accountGet, byAccountId);

export const AccountDelete = defineContract<{ deleted: true }>()(TOPICS.auth.accountDelete, byAccountId);

/** An account's connection config, as the connectors service uses it. */
export interface AccountCredentials {
  accountId: number;
  service: ServiceName | OAuthServiceName;
  config: Record<string, unknown>;
}
/**
 * Internal: connectors asks auth for an account's connection config. The reply
 * is sealed for the connectors service and bound to the request (see
 * CredentialsTransport): never in clear on the broker.
 */
export const AccountCredentialsGet = defineContract<SealedCredentials>()(TOPICS.auth.accountCredentials, byAccountId);
