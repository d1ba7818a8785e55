import { NotFoundError, type MessageMeta } from '@app/common';
import type { AccountScope } from '../multipart/multipart-session.repository';
import type { AccountConnectors } from './account-connectors';
import { entryOf } from './object-paths';

/** A file of one app's account, the way rows attached to files (properties, links) are keyed. */
export interface FileRef extends AccountScope {
  /** The file's locator (its path below the root on path-addressed services); its id is this encoded. */
  path: string;
}

/**
 * The file behind `fileId`, checked upstream: it must exist and be a file, and
 * the account must be the calling app's (auth answers 404 otherwise).
 * @throws NotFoundError, InvalidParametersError (a malformed id)
 */
export async function fileRefOf(accounts: AccountConnectors, meta: MessageMeta, fileId: string): Promise<FileRef> {
  const scope = accountScopeOf(meta);
  const entry = await entryOf(await accounts.get(meta, scope.accountId), fileId, 'file');
  return { ...scope, path: entry.locator };
}

/** The app and account a request names; storage calls always name one. */
export function accountScopeOf(meta: MessageMeta): AccountScope {
  if (!meta.accountId) throw new NotFoundError('No account was given.');
  return { appId: meta.appId, accountId: meta.accountId };
}
