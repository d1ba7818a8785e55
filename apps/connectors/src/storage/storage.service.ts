import { Injectable } from '@nestjs/common';
import {
  AppError,
  ConflictError,
  decodeStorageId,
  encodeStorageId,
  ForbiddenError,
  NotFoundError,
  objectList,
  UnsupportedError,
  type EncodedId,
  type PresignRequest,
  type MessageMeta,
  type ObjectList,
  type PublicStorageObject,
} from '@app/common';
import { has, ROOT, type Connector, type Entry } from '../connectors/connector';
import { childPath } from '../connectors/path-connector';
import { ChangeFeed } from '../feed/change-feed';
import { AccountConnectors } from './account-connectors';
import { FileAttachments } from './file-attachments';
import { searchNames } from './name-search';
import { assertFree, checkName, entryOf, isWithin, parentFolder } from './object-paths';
import { PageCursors } from './page-cursors';
import { idOf, toStorageObject } from './storage.mapper';
import { copyTree } from './tree-copy';

type Kind = 'file' | 'folder';
interface RawOption {
  rawData: boolean;
}

/** The metadata side of the storage API (bytes go through StreamService). */
@Injectable()
export class StorageService {
  private readonly cursors = new PageCursors();

  constructor(private readonly accounts: AccountConnectors, private readonly attachments: FileAttachments, private readonly feed: ChangeFeed) {}

  async listFolder(meta: MessageMeta, input: { folderId: string; page: number; pageSize: number } & RawOption): Promise<ObjectList<PublicStorageObject>> {
    const { connector, accountId } = await this.open(meta);
    const folder = decodeStorageId(input.folderId);
    const { items, hasMore } = await this.page(connector, `${meta.appId}:${accountId}:${folder}:${input.pageSize}`, folder, input.page, input.pageSize);
    return objectList('storage', items.map((e) => toStorageObject(e, accountId, input)), input.page, hasMore);
  }

  async get(meta: MessageMeta, kind: Kind, id: string, opts: RawOption): Promise<PublicStorageObject> {
    const { connector, accountId } = await this.open(meta);
    return toStorageObject(await entryOf(connector, id, kind), accountId, opts);
  }

  /** conflict_if_exists=true: an existing name is a 409; false: the existing folder is returned. */
  async createFolder(meta: MessageMeta, input: { parentId: string; name: string; conflictIfExists: boolean } & RawOption): Promise<PublicStorageObject> {
    const { connector, accountId } = await this.open(meta);
    const parent = await parentFolder(connector, input.parentId);
    const name = checkName(input.name);
    const existing = await connector.lookup(parent, name);
    if (existing) {
      if (input.conflictIfExists || existing.kind !== 'folder') throw new ConflictError(`"${existing.name}" already exists there.`, idOf(existing.locator));
      return toStorageObject(existing, accountId, input);
    }
    const created = await connector.mkdir(parent, name);
    await this.feed.added(meta, accountId, created, 'api');
    return toStorageObject(created, accountId, input);
  }

  /** PATCH: rename (`name`) and/or move (`parent_id`). */
  async update(meta: MessageMeta, input: { kind: Kind; id: string; name?: string; parentId?: string } & RawOption): Promise<PublicStorageObject> {
    const { connector, accountId } = await this.open(meta);
    const entry = await entryOf(connector, input.id, input.kind);
    if (entry.locator === ROOT) throw new ForbiddenError('The root folder cannot be renamed or moved.');
    const folder = input.parentId !== undefined ? await parentFolder(connector, input.parentId) : entry.parent ?? ROOT;
    const name = checkName(input.name ?? entry.name);
    if (folder === entry.parent && name === entry.name) return toStorageObject(entry, accountId, input);
    if (entry.kind === 'folder' && (await isWithin(connector, folder, entry.locator))) {
      throw new AppError('invalid_parent_folder', 'A folder cannot be moved into itself.');
    }
    await assertFree(connector, folder, name);
    const moved = await connector.move(entry.locator, folder, name);
    await this.attachments.moved({ appId: meta.appId, accountId }, entry.locator, moved.locator, entry.kind);
    await this.feed.moved(meta, accountId, entry, moved);
    return toStorageObject(moved, accountId, input);
  }

  async copy(meta: MessageMeta, input: { kind: Kind; id: string; parentId: string; name?: string } & RawOption): Promise<PublicStorageObject> {
    const { connector, accountId } = await this.open(meta);
    const entry = await entryOf(connector, input.id, input.kind);
    const folder = await parentFolder(connector, input.parentId);
    const name = checkName(input.name ?? (entry.name || 'root'));
    if (entry.kind === 'folder' && (await isWithin(connector, folder, entry.locator))) {
      throw new AppError('invalid_parent_folder', 'A folder cannot be copied into itself.');
    }
    await assertFree(connector, folder, name);
    const copied = await copyTree(connector, entry, folder, name);
    // The copy's top object; below a copied folder the scan finds the rest.
    await this.feed.added(meta, accountId, copied, 'copy');
    return toStorageObject(copied, accountId, input);
  }

  async delete(meta: MessageMeta, input: { kind: Kind; id: string; recursive: boolean }): Promise<{ deleted: true }> {
    const { connector, accountId } = await this.open(meta);
    const entry = await entryOf(connector, input.id, input.kind);
    if (entry.locator === ROOT) throw new ForbiddenError('The root folder cannot be deleted.');
    await connector.remove(entry.locator, { recursive: input.recursive });
    // Its properties and links go with it: a new file at the same path (same id) starts bare.
    await this.attachments.removed({ appId: meta.appId, accountId }, entry.locator, entry.kind, connector.features.addressing);
    await this.feed.removed(meta, accountId, entry);
    return { deleted: true };
  }

  async search(meta: MessageMeta, input: { q: string; parents?: string; page: number; pageSize: number } & RawOption): Promise<ObjectList<PublicStorageObject>> {
    const { connector, accountId } = await this.open(meta);
    const folder = input.parents ? (await entryOf(connector, input.parents, 'folder')).locator : ROOT;
    const found = await searchNames(connector, folder, input.q, input.page * input.pageSize + 1);
    const start = (input.page - 1) * input.pageSize;
    if (start > 0 && start >= found.length) throw new NotFoundError(`Page ${input.page} is past the last page.`);
    const items = found.slice(start, start + input.pageSize);
    return objectList('storage', items.map((e) => toStorageObject(e, accountId, input)), input.page, found.length > start + input.pageSize);
  }

  /** The upstream id: a path for path-addressed services (slashes trimmed), the service's id otherwise; encoding it is the id codec. */
  async encodeRawId(meta: MessageMeta, input: { rawId: string; type: string }): Promise<EncodedId> {
    const { connector } = await this.open(meta);
    const locator = connector.features.addressing === 'path' ? input.rawId.replace(/^\/+/, '').replace(/\/+$/, '') : input.rawId;
    return { id: encodeStorageId(locator), api: 'storage', type: input.type };
  }

  /** A presigned URL where the service offers them, else `url: null` (the gateway then signs its own streaming URL). */
  async presign(meta: MessageMeta, input: PresignRequest): Promise<{ url: string | null; fileId: string }> {
    const { connector } = await this.open(meta);
    if (input.method === 'GET') {
      const entry = await entryOf(connector, input.fileId, 'file');
      const url = has(connector, 'presign') ? await connector.presign(entry.parent ?? ROOT, entry.name, { method: 'GET', expiresInS: input.expiresInS }) : null;
      return { url, fileId: input.fileId };
    }
    // The upload is registered by the id the file will have: known before it exists only where ids are paths.
    if (connector.features.addressing !== 'path') {
      throw new UnsupportedError('Presigned uploads need an upload location on a path-addressed service (local, S3, Azure, SFTP, FTP, WebDAV).');
    }
    const folder = await parentFolder(connector, input.parentId);
    const name = checkName(input.name);
    await assertFree(connector, folder, name);
    const url = has(connector, 'presign') ? await connector.presign(folder, name, { method: 'PUT', expiresInS: input.expiresInS, contentType: input.contentType }) : null;
    return { url, fileId: idOf(childPath(folder, name)) };
  }

  private async open(meta: MessageMeta): Promise<{ connector: Connector; accountId: number }> {
    if (!meta.accountId) throw new NotFoundError('No account was given.');
    return { connector: await this.accounts.get(meta, meta.accountId), accountId: meta.accountId };
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
