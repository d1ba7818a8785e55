import { PassThrough, Readable } from 'node:stream';
import { lookup as mimeOf } from 'mime-types';
import { AppError, ConflictError, FolderNotEmptyError, InvalidParametersError, NotFoundError, UnsupportedError, UpstreamError } from '@app/common';
import type { ByteRange, Connector, Entry, Features, ListOptions, Locator, Page, ReadResult, WriteOptions } from '../connector';
import { OAuthApi } from '../oauth-api';
import { checkPageSize, decodeCursor, encodeCursor } from '../paging';
import { resolveRange } from '../range';
import type { ConnectorDeps } from '../registry';
import { forwardErrors, SliceStream } from '../streams';
import { upstreamFor } from '../upstream';
import { oauthRaw, oauthRawRoots } from '../raw/oauth-raw';
import type { RawRequest, RawResponse } from '../raw/raw-request';
import type { GdriveConfig } from './gdrive.config';
import { FILE_FIELDS, FOLDER_MIME, isFolder, isNative, LIST_FIELDS, mapFailure, quote, ROOT_ENTRY, toEntry, type DriveFile, type DriveFileList } from './gdrive.mapper';
import { GdriveUploader, type UploadTarget } from './gdrive.upload';

/** Drive's own maximum page size for files.list. */
const MAX_PAGE = 1000;
/** Children copied at once when copying a folder tree. */
const COPY_CONCURRENCY = 4;

/**
 * Google Drive (API v3), addressed by Drive file ids; the root folder '' is
 * Drive's alias `root`. Plain HTTP through OAuthApi rather than Google's SDK:
 * one 401-refresh and 429 policy, the outbound address policy and streaming
 * bodies for every OAuth service.
 *
 * Drive lets one folder hold several children of the same name (and a file
 * several parents); our API does not create such duplicates: write replaces
 * the content of the file of that name, mkdir/move/copy refuse a taken name
 * (ConflictError). Where duplicates exist already, lookup answers the oldest.
 *
 * Not here, and why:
 * - search: Drive's query language restricts by direct parent only (`'id' in
 *   parents`), not by subtree, so "below a folder" would need a walk.
 * - openChunkWriter: a resumable session takes its chunks in order, one at a
 *   time, so parts in any order and in parallel do not fit; large writes use
 *   the session inside write() instead.
 * - Google-native documents (Docs, Sheets…) are listed (size null) but not
 *   read: they have no bytes of their own, only exports.
 */
export class GdriveConnector implements Connector {
  static readonly features: Features = {
    addressing: 'id',
    bucketBased: false,
    canHaveEmptyFolders: true,
    rangedReads: true,
    checksums: ['md5'],
    rawPassthrough: true,
  };
  readonly features = GdriveConnector.features;
  private readonly api: OAuthApi;
  private readonly uploader: GdriveUploader;
  private readonly upstream = upstreamFor('gdrive', (err, op) => toAppError(err, op));
  private rootId?: Promise<string>;

  constructor(private readonly config: GdriveConfig, deps: ConnectorDeps) {
    if (!deps.tokens) throw new InvalidParametersError('A Google Drive account needs its OAuth access token.');
    this.api = new OAuthApi({ tokens: deps.tokens, outbound: deps.outbound, mapFailure });
    this.uploader = new GdriveUploader(this.api, config);
  }

  async validateCredentials(): Promise<void> {
    await this.root();
  }

  async close(): Promise<void> {
    this.api.close();
  }

  /** A request of the client's own on the service's API with the account's token (POST /v1/accounts/{id}/raw). */
  async raw(request: RawRequest): Promise<RawResponse> {
    return this.upstream.call('raw', () => oauthRaw(this.api, oauthRawRoots(this.config.apiUrl, this.config.uploadUrl), request));
  }

  async list(folder: Locator, options: ListOptions): Promise<Page<Entry>> {
    const pageSize = checkPageSize(options);
    const pageToken = options.cursor ? tokenOf(options.cursor) : undefined;
    const parent = driveId(folder);
    const page = await this.listFiles('list', `${quote(parent)} in parents and trashed = false`, { pageSize: Math.min(pageSize, MAX_PAGE), pageToken, orderBy: 'folder,name' });
    // Drive answers a listing of a missing folder (or of a file) with no children: tell them apart.
    if (!pageToken && page.files.length === 0 && folder !== '') await this.requireFolder(folder);
    const rootId = await this.root();
    return { items: page.files.map((f) => toEntry(f, rootId)), next: page.nextPageToken ? encodeCursor({ t: page.nextPageToken }) : null };
  }

  async stat(locator: Locator): Promise<Entry> {
    if (driveId(locator) === 'root') return ROOT_ENTRY;
    return toEntry(await this.file(locator, 'stat'), await this.root());
  }

  /**
   * One query: children of `folder` named `name`, oldest first. Drive's `name =`
   * ignores case, so the exact name is picked here (paging on in the rare case
   * that many children differ only in case).
   */
  async lookup(folder: Locator, name: string): Promise<Entry | null> {
    checkName(name);
    const q = `${quote(driveId(folder))} in parents and name = ${quote(name)} and trashed = false`;
    let pageToken: string | undefined;
    do {
      const page = await this.listFiles('lookup', q, { pageSize: 100, pageToken, orderBy: 'createdTime' });
      const match = page.files.find((f) => f.name === name);
      if (match) return toEntry(match, await this.root());
      pageToken = page.nextPageToken;
    } while (pageToken);
    return null;
  }

  async read(locator: Locator, range?: ByteRange): Promise<ReadResult> {
    const file = await this.file(locator, 'read');
    if (isFolder(file)) throw new NotFoundError('This is a folder, not a file.');
    if (isNative(file)) throw new UnsupportedError(`"${file.name}" is a Google-native document (${file.mimeType}); it has no content to download (export is not supported).`);
    const size = Number(file.size ?? 0);
    const { start, end, length } = resolveRange(range, size);
    if (length === 0) return { stream: Readable.from([]), size, contentLength: 0, mimeType: file.mimeType };
    const res = await this.upstream.call(
      'read',
      () =>
        this.api.send('read', {
          method: 'GET',
          url: `${this.config.apiUrl}/files/${encodeURIComponent(file.id)}`,
          query: { alt: 'media' },
          headers: range ? { range: `bytes=${start}-${end}` } : {},
        }),
      { retry: true },
    );
    const stream = new PassThrough();
    forwardErrors(res.body, stream, (err) => this.upstream.map(err, 'read'));
    // A reader that stops early frees the connection.
    stream.once('close', () => res.body.readableEnded || res.body.destroy());
    // A server that ignored the Range answers 200 with everything: cut it here.
    if (range && res.status === 200) res.body.pipe(new SliceStream(start, length)).pipe(stream);
    else res.body.pipe(stream);
    return { stream, size, contentLength: length, mimeType: file.mimeType };
  }

  async write(folder: Locator, name: string, body: Readable, options: WriteOptions = {}): Promise<Entry> {
    const [existing] = await Promise.all([this.lookup(folder, name), this.requireFolder(folder)]);
    if (existing && existing.kind === 'folder') throw new ConflictError(`A folder named "${name}" is already there.`, existing.locator);
    if (existing && isNative({ mimeType: existing.mimeType ?? '' })) {
      throw new ConflictError(`"${name}" is a Google-native document there; its content cannot be replaced by upload.`, existing.locator);
    }
    const mimeType = contentType(name, options.mimeType);
    const target: UploadTarget = existing
      ? { kind: 'update', fileId: existing.locator, mimeType }
      : { kind: 'create', name, parent: driveId(folder), mimeType };
    let file = await this.upstream.call('write', () => this.uploader.upload(target, body, options.size));
    if (target.kind === 'create') file = await this.keepUnique(folder, name, file);
    return toEntry(file, await this.root());
  }

  async mkdir(folder: Locator, name: string): Promise<Entry> {
    const [existing] = await Promise.all([this.lookup(folder, name), this.requireFolder(folder)]);
    if (existing) throw new ConflictError(`"${name}" is already there.`, existing.locator);
    const created = await this.keepUnique(folder, name, await this.createFolder(driveId(folder), name));
    return toEntry(created, await this.root());
  }

  /**
   * files.update with the new name, and addParents/removeParents when the
   * folder changes. A file in several folders leaves all of them (as Drive's
   * own "Move" does).
   */
  async move(locator: Locator, toFolder: Locator, name: string): Promise<Entry> {
    if (driveId(locator) === 'root') throw new InvalidParametersError('The root folder cannot be moved.');
    const [file, existing] = await Promise.all([this.file(locator, 'move'), this.lookup(toFolder, name), this.requireFolder(toFolder)]);
    if (existing && existing.locator !== file.id) throw new ConflictError(`"${name}" is already there.`, existing.locator);
    const target = toFolder === '' ? await this.root() : toFolder;
    const parents = file.parents ?? [];
    const updated = await this.upstream.call('move', () =>
      this.api.json<DriveFile>('move', {
        method: 'PATCH',
        url: `${this.config.apiUrl}/files/${encodeURIComponent(file.id)}`,
        query: {
          fields: FILE_FIELDS,
          addParents: parents.includes(target) ? undefined : target,
          removeParents: parents.filter((p) => p !== target).join(',') || undefined,
        },
        json: { name },
      }),
    );
    return toEntry(updated, await this.root());
  }

  /** files.delete: permanent (not the trash); Drive deletes a folder's descendants with it. */
  async remove(locator: Locator, options: { recursive: boolean }): Promise<void> {
    if (driveId(locator) === 'root') throw new InvalidParametersError('The root folder cannot be removed.');
    const file = await this.file(locator, 'remove');
    if (isFolder(file) && !options.recursive) {
      const children = await this.listFiles('remove', `${quote(file.id)} in parents and trashed = false`, { pageSize: 1 });
      if (children.files.length > 0) throw new FolderNotEmptyError();
    }
    await this.deleteFile(file.id);
  }

  private deleteFile(id: string): Promise<void> {
    return this.upstream.call('remove', async () => {
      const res = await this.api.send('remove', { method: 'DELETE', url: `${this.config.apiUrl}/files/${encodeURIComponent(id)}` });
      res.body.resume();
    });
  }

  /** files.copy for a file; Drive cannot copy folders, so a folder is copied as a tree (new folders, files.copy of each file). */
  async copy(locator: Locator, toFolder: Locator, name: string): Promise<Entry> {
    if (driveId(locator) === 'root') throw new InvalidParametersError('The root folder cannot be copied.');
    const [file, existing] = await Promise.all([this.file(locator, 'copy'), this.lookup(toFolder, name), this.requireFolder(toFolder)]);
    if (existing) throw new ConflictError(`"${name}" is already there.`, existing.locator);
    const copied = await this.keepUnique(toFolder, name, await this.copyInto(file, driveId(toFolder), name));
    return toEntry(copied, await this.root());
  }

  /**
   * Check-then-create leaves a window in which a concurrent request creates
   * the same name (Drive would keep both). After creating, the oldest of that
   * name wins: a younger object of ours is deleted again and the call fails
   * with ConflictError, so no duplicate stays. (move has the same window and
   * no such repair: moving back could fail too.)
   */
  private async keepUnique(folder: Locator, name: string, created: DriveFile): Promise<DriveFile> {
    const oldest = await this.lookup(folder, name);
    if (!oldest || oldest.locator === created.id) return created;
    await this.deleteFile(created.id).catch(() => undefined);
    throw new ConflictError(`"${name}" was created at the same time by another request.`, oldest.locator);
  }

  private async copyInto(file: DriveFile, parent: string, name: string): Promise<DriveFile> {
    if (!isFolder(file)) {
      return this.upstream.call('copy', () =>
        this.api.json<DriveFile>('copy', {
          method: 'POST',
          url: `${this.config.apiUrl}/files/${encodeURIComponent(file.id)}/copy`,
          query: { fields: FILE_FIELDS },
          json: { name, parents: [parent] },
        }),
      );
    }
    if (parent === file.id) throw new InvalidParametersError('A folder cannot be copied into itself.');
    const folder = await this.createFolder(parent, name);
    let pageToken: string | undefined;
    do {
      const page = await this.listFiles('copy', `${quote(file.id)} in parents and trashed = false`, { pageSize: MAX_PAGE, pageToken });
      // The new folder is not below the source, so the walk cannot meet its own copies.
      for (let i = 0; i < page.files.length; i += COPY_CONCURRENCY) {
        await Promise.all(page.files.slice(i, i + COPY_CONCURRENCY).map((child) => this.copyInto(child, folder.id, child.name)));
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return folder;
  }

  private createFolder(parent: string, name: string): Promise<DriveFile> {
    checkName(name);
    return this.upstream.call('mkdir', () =>
      this.api.json<DriveFile>('mkdir', {
        method: 'POST',
        url: `${this.config.apiUrl}/files`,
        query: { fields: FILE_FIELDS },
        json: { name, mimeType: FOLDER_MIME, parents: [parent] },
      }),
    );
  }

  /** The real id behind `root` (children of the root name it as their parent), asked once. */
  private root(): Promise<string> {
    this.rootId ??= this.upstream
      .call('stat', () => this.api.json<{ id: string }>('stat', { method: 'GET', url: `${this.config.apiUrl}/files/root`, query: { fields: 'id' } }), { retry: true })
      .then((f) => f.id);
    this.rootId.catch(() => (this.rootId = undefined));
    return this.rootId;
  }

  /** files.get; a trashed file counts as gone (we never list the trash). */
  private async file(locator: Locator, op: string): Promise<DriveFile> {
    const id = driveId(locator);
    const file = await this.upstream.call(
      op,
      () => this.api.json<DriveFile>(op, { method: 'GET', url: `${this.config.apiUrl}/files/${encodeURIComponent(id)}`, query: { fields: FILE_FIELDS } }),
      { retry: true },
    );
    if (file.trashed) throw new NotFoundError();
    return file;
  }

  private async requireFolder(folder: Locator): Promise<void> {
    if (driveId(folder) === 'root') return;
    let file: DriveFile;
    try {
      file = await this.file(folder, 'stat');
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError('The folder does not exist.');
      throw err;
    }
    if (!isFolder(file)) throw new NotFoundError('This is a file, not a folder.');
  }

  private listFiles(op: string, q: string, params: { pageSize: number; pageToken?: string; orderBy?: string }): Promise<DriveFileList> {
    return this.upstream.call(
      op,
      async () => {
        const list = await this.api.json<DriveFileList>(op, {
          method: 'GET',
          url: `${this.config.apiUrl}/files`,
          query: { q, fields: LIST_FIELDS, pageSize: params.pageSize, pageToken: params.pageToken, orderBy: params.orderBy },
        });
        return { ...list, files: list?.files ?? [] };
      },
      { retry: true },
    );
  }
}

/** Drive file ids are URL-safe ([A-Za-z0-9_-]); '' is the root, Drive's alias `root`. */
export function driveId(locator: Locator): string {
  if (locator === '') return 'root';
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(locator)) throw new InvalidParametersError('This is not a Google Drive file id.');
  return locator;
}

function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\0]/.test(name) || Buffer.byteLength(name, 'utf8') > 32_767) {
    throw new InvalidParametersError(`"${name}" is not a valid name.`);
  }
}

/** Our page cursor wraps Drive's nextPageToken. */
function tokenOf(cursor: string): string {
  const { t } = decodeCursor(cursor);
  if (typeof t !== 'string' || t === '') throw new InvalidParametersError('cursor is not a valid page cursor');
  return t;
}

/** The media type to upload with; a Google-native type would make Drive convert the bytes, so it is not passed on. */
function contentType(name: string, given?: string): string {
  if (given && !given.startsWith('application/vnd.google-apps.')) return given;
  return mimeOf(name) || 'application/octet-stream';
}

function toAppError(err: unknown, op: string): AppError {
  // Only the error's code: a message could quote a URL (an upload session's).
  const code = (err as NodeJS.ErrnoException)?.code;
  return new UpstreamError(undefined, `Google Drive ${op} failed${code ? ` (${code})` : ''}.`);
}
