import type { PublicAccount } from '@app/common';
import type { AccountEntity } from './account.entity';

export function toPublicAccount(row: AccountEntity): PublicAccount {
  return {
    id: row.id,
    account: row.displayName,
    service: row.service,
    active: row.active,
    status: row.active ? 'active' : 'needs_reauth',
    admin: row.admin,
    created: row.createdAt.toISOString(),
    modified: row.updatedAt.toISOString(),
    api: 'meta',
    type: 'account',
  };
}
