import { Injectable } from '@nestjs/common';
import { decodeStorageId, objectList, NotFoundError, type MessageMeta, type ObjectList, type PublicStorageObject } from '@app/common';
import type { Connector, Entry } from '../connectors/connector';
import { AccountConnectors } from './account-connectors';
import { PageCursors } from './page-cursors';
import { toStorageObject } from './storage.mapper';

@Injectable()
export class StorageService {
  private readonly cursors = new PageCursors();

  constructor(private readonly accounts: AccountConnectors) {}

  async listFolder(
    meta: MessageMeta,
    input: { folderId: string; page: number; pageSize: number; rawData: boolean },
  ): Promise<ObjectList<PublicStorageObject>> {
    const accountId = requireAccount(meta);
    const folder = decodeStorageId(input.folderId);
    const connector = await this.accounts.get(meta, accountId);
    const { items, hasMore } = await this.page(connector, `${meta.appId}:${accountId}:${folder}:${input.pageSize}`, folder, input.page, input.pageSize);
    return objectList('storage', items.map((e) => toStorageObject(e, accountId, input)), input.page, hasMore);
  }

  /** Page N of a folder, walking connector cursors from the nearest remembered page. */
  private async page(connector: Connector, key: string, folder: string, page: number, pageSize: number): Promise<{ items: Entry[]; hasMore: boolean }> {
    let at = page;
    let cursor: string | null | undefined = page === 1 ? null : this.cursors.get(key, page);
    if (cursor === undefined) {
      at = 1;
      cursor = null;
      for (let p = page - 1; p > 1; p--) {
        const c = this.cursors.get(key, p);
        if (c !== undefined) { at = p; cursor = c; break; }
      }
    }
    for (;;) {
      const result = await connector.list(folder, { pageSize, cursor });
      if (at === page) {
        if (result.next) this.cursors.set(key, page + 1, result.next);
        if (result.items.length === 0 && page > 1) throw new NotFoundError(`Page ${page} is past the last page.`);
        return { items: result.items, hasMore: result.next !== null };
      }
      if (!result.next) throw new NotFoundError(`Page ${page} is past the last page.`);
      at++;
      cursor = result.next;
      this.cursors.set(key, at, cursor);
    }
  }
}

function requireAccount(meta: MessageMeta): number {
  if (!meta.accountId) throw new NotFoundError('No account was given.');
  return meta.accountId;
}
