import type { Readable } from 'node:stream';
import { InvalidParametersError, NotFoundError } from '@app/common';
import type {
  ByteRange,
  ChunkWriter,
  ChunkWriterOptions,
  Connector,
  Entry,
  Features,
  RawRequest,
  RawResponse,
  ListOptions,
  Page,
  PartReceipt,
  PartSpec,
  PresignOptions,
  ReadResult,
  UploadedPart,
  UploadState,
  WriteOptions,
} from './connector';

/**
 * The contract of path-addressed services (local, S3, SFTP, FTP, WebDAV,
 * Azure): every object is named by its POSIX path below the account root, no
 * leading slash, '' the root. `addressByPath` turns one into a `Connector`,
 * whose locators are these paths, so ids made before locators existed stay valid.
 */
export interface PathEntry extends Omit<Entry, 'locator' | 'parent' | 'ancestors'> {
  /** Path relative to the account root ('' for the root). */
  path: string;
}

export interface PathChunkWriter extends Omit<ChunkWriter, 'complete'> {
  complete(parts: UploadedPart[]): Promise<PathEntry>;
}

export interface PathConnector {
  readonly features: Features;
  list(folder: string, options: ListOptions): Promise<Page<PathEntry>>;
  stat(path: string): Promise<PathEntry>;
  read(path: string, range?: ByteRange): Promise<ReadResult>;
  /** Creates or replaces a file. Parent folders must exist. */
  write(path: string, body: Readable, options?: WriteOptions): Promise<PathEntry>;
  mkdir(path: string): Promise<PathEntry>;
  move(from: string, to: string): Promise<PathEntry>;
  remove(path: string, options: { recursive: boolean }): Promise<void>;
  copy?(from: string, to: string): Promise<PathEntry>;
  openChunkWriter?(path: string, options: ChunkWriterOptions): Promise<PathChunkWriter>;
  abortChunkUpload?(path: string, uploadKey: string): Promise<void>;
  presign?(path: string, options: PresignOptions): Promise<string>;
  search?(folder: string, query: string, options: ListOptions): Promise<Page<PathEntry>>;
  /** See Connector.raw: not path-addressed, so passed through as is. */
  raw?(request: RawRequest): Promise<RawResponse>;
  validateCredentials?(): Promise<void>;
  close?(): Promise<void>;
}

/** The locator-addressed connector over a path-addressed one: locator = path. */
export function addressByPath(impl: PathConnector): Connector {
  const target = (folder: string, name: string) => childPath(folder, name);
  const connector: Connector = {
    features: impl.features,
    list: async (folder, options) => pageOf(await impl.list(folder, options)),
    stat: async (path) => entryOf(await impl.stat(path)),
    lookup: async (folder, name) => {
      const child = await statOrNull(impl, target(folder, name));
      return child && entryOf(child);
    },
    read: (path, range) => impl.read(path, range),
    write: async (folder, name, body, options) => entryOf(await impl.write(target(folder, name), body, options)),
    mkdir: async (folder, name) => entryOf(await impl.mkdir(target(folder, name))),
    move: async (path, toFolder, name) => entryOf(await impl.move(path, target(toFolder, name))),
    remove: (path, options) => impl.remove(path, options),
    validateCredentials: impl.validateCredentials && (() => impl.validateCredentials!()),
    close: impl.close && (() => impl.close!()),
  };
  if (impl.copy) connector.copy = async (path, toFolder, name) => entryOf(await impl.copy!(path, target(toFolder, name)));
  if (impl.openChunkWriter) {
    connector.openChunkWriter = async (folder, name, options) => writerOf(await impl.openChunkWriter!(target(folder, name), options));
  }
  if (impl.abortChunkUpload) connector.abortChunkUpload = (folder, name, key) => impl.abortChunkUpload!(target(folder, name), key);
  if (impl.presign) connector.presign = (folder, name, options) => impl.presign!(target(folder, name), options);
  if (impl.search) connector.search = async (folder, query, options) => pageOf(await impl.search!(folder, query, options));
  if (impl.raw) connector.raw = (request) => impl.raw!(request);
  if (!impl.validateCredentials) delete connector.validateCredentials;
  if (!impl.close) delete connector.close;
  return connector;
}

/** `folder/name`, refusing a name that is not one path segment (it would address another object). */
export function childPath(folder: string, name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new InvalidParametersError(`Invalid name ${JSON.stringify(name.slice(0, 64))}.`);
  }
  return folder === '' ? name : `${folder}/${name}`;
}

function entryOf(entry: PathEntry): Entry {
  return { ...entry, ...placeOfPath(entry.path) };
}

/** Locator, parent and ancestors of an object of a path-addressed service, from its path alone. */
export function placeOfPath(path: string): Pick<Entry, 'locator' | 'parent' | 'ancestors'> {
  const names = path === '' ? [] : path.split('/');
  // The root, then each folder on the way down: their locators are the path prefixes.
  const ancestors = [{ locator: '', name: '' }];
  for (let i = 0; i < names.length - 1; i++) ancestors.push({ locator: names.slice(0, i + 1).join('/'), name: names[i] });
  return { locator: path, parent: path === '' ? null : ancestors[ancestors.length - 1].locator, ancestors: path === '' ? [] : ancestors };
}

function pageOf(page: Page<PathEntry>): Page<Entry> {
  return { items: page.items.map(entryOf), next: page.next };
}

function writerOf(writer: PathChunkWriter): ChunkWriter {
  return {
    get state(): UploadState {
      return writer.state;
    },
    writePart: (part: PartSpec, body: Readable): Promise<PartReceipt> => writer.writePart(part, body),
    complete: async (parts) => entryOf(await writer.complete(parts)),
    abort: () => writer.abort(),
  };
}

async function statOrNull(impl: PathConnector, path: string): Promise<PathEntry | null> {
  try {
    return await impl.stat(path);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}
