import { z } from 'zod';
import { defineContract } from '../envelope';
import { pagingSchema } from '../paging';
import type { ObjectList, PublicAccount } from '../public-objects';
import { TOPICS } from '../topics';

/** Names of the services an account can be connected to (credential-based so far). */
export const SERVICE_NAMES = ['local', 's3', 's3_compatible', 'azure', 'webdav', 'sftp', 'ftp'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

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

/** Internal: connectors asks auth for an account's decrypted connection config. */
export interface AccountCredentials {
  accountId: number;
  service: ServiceName;
  config: Record<string, unknown>;
}
export const AccountCredentialsGet = defineContract<AccountCredentials>()(TOPICS.auth.accountCredentials, byAccountId);
