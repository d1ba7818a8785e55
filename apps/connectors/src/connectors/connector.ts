import type { Readable } from 'node:stream';
import type { RawRequest, RawResponse } from './raw/raw-request';

export type { RawRequest, RawResponse } from './raw/raw-request';

/**
 * The one storage contract every connector implements (rclone's fs.Fs, in
 * TypeScript). Objects are addressed by a **locator**: an opaque string each
 * connector chooses and understands. Path-addressed services (local, S3,
 * SFTP, FTP, WebDAV, Azure) use the POSIX path below the account root, without
 * a leading slash (they implement `PathConnector`, adapted by `addressByPath`);
 * id-addressed services (Google Drive, Dropbox, Box, OneDrive) use the
 * service's own id. `''` is the root for every connector. New objects are
 * named by their folder's locator and a name, since an id-addressed service
 * only gives the id once the object exists. Public file and folder ids are
 * locators encoded by libs/common's id codec, which refuses anything that
 * could escape the root.
 *
 * Errors: every method throws only the classes of libs/common/src/errors
 * (NotFoundError, ConflictError, ...), never a raw SDK error.
 */
export type Locator = string;

/** The root folder of an account, for every connector. */
export const ROOT: Locator = '';

export interface Entry {
  /** Where this connector finds the object again ('' for the root). */
  locator: Locator;
  /** The folder holding it, when known (Google Drive: the first parent); null for the root. */
  parent: Locator | null;
  name: string;
  kind: 'file' | 'folder';
  /** Bytes; null for folders or when the service does not say. */
  size: number | null;
  created: Date | null;
  modified: Date | null;
  mimeType?: string;
  /** Service-specific properties, returned with X-Kloudless-Raw-Data. */
  raw?: Record<string, unknown>;
  /** The path below the root ('/a/b.txt' without the leading slash), when the service says. */
  path?: string;
  /** The folders from the root down to the parent, when the service says (path-addressed: always). */
  ancestors?: { locator: Locator; name: string }[];
  /** Digests of the whole file the service reports (hex), used to verify copies. */
  checksums?: { md5?: string; sha1?: string };
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null on the last page. */
  next: string | null;
}

export interface ListOptions {
  /** Max entries to return; connectors may return fewer. */
  pageSize: number;
  /** Cursor from a previous Page.next. */
  cursor?: string | null;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive; undefined = to the end. */
  end?: number;
}

export interface ReadResult {
  stream: Readable;
  /** Size of the whole object. */
  size: number;
  /** Length of what `stream` yields. */
  contentLength: number;
  mimeType?: string;
}

export interface WriteOptions {
  /** Expected size when known (some services need it up front). */
  size?: number;
  mimeType?: string;
}

/** One part of a chunked write: its number (orders the parts upstream) and the bytes it covers. */
export interface PartSpec {
  /** 1-based; parts are committed in ascending number, which must follow their offsets. Gaps are allowed. */
  number: number;
  offset: number;
  size: number;
}

/** What the service answered for a part, needed to commit it (S3's ETag); {} where nothing is. */
export interface PartReceipt {
  etag?: string;
  /** Hex MD5 of the part as the service computed it (S3's ETag of a part), when it reports one: checked against what was sent. */
  md5?: string;
}

export interface UploadedPart extends PartSpec {
  receipt: PartReceipt;
}

/**
 * What names a chunked upload upstream (S3's UploadId, the Azure block-id prefix),
 * as JSON. Stored by the caller; passed back as `resume`, it reopens the same
 * upload after a restart, so parts already written are not sent again.
 */
export type UploadState = Record<string, string | number>;

/** A multipart/chunked write in progress (S3 multipart, Azure block list, a temp file at offsets). */
export interface ChunkWriter {
  readonly state: UploadState;
  /** Writes one part. Parts may arrive in any order, in parallel, and with different sizes (all but the last ≥ minPartSize). */
  writePart(part: PartSpec, body: Readable): Promise<PartReceipt>;
  /** Commits the parts, which must cover the file from byte 0 in ascending order; the object appears only now. */
  complete(parts: UploadedPart[]): Promise<Entry>;
  abort(): Promise<void>;
}

export interface ChunkWriterOptions {
  size: number;
  /** A session id: names what the upload keeps upstream meanwhile (a temp file), so abortChunkUpload finds it after the writer is gone. */
  uploadKey?: string;
  /** The state of an upload opened before (ChunkWriter.state): continue it instead of starting anew. */
  resume?: UploadState;
}

export interface Features {
  /** How objects are addressed: 'path' (locator = path below the root) or 'id' (the service's own ids; names may repeat in a folder). */
  addressing: 'path' | 'id';
  /** Object stores have no real folders (folders are key prefixes). */
  bucketBased: boolean;
  /** An empty folder survives (false where folders exist only through their content). */
  canHaveEmptyFolders: boolean;
  /** read() honours ByteRange without reading the skipped bytes. */
  rangedReads: boolean;
  /** Checksums the service reports, e.g. ['md5', 'sha256']. */
  checksums: string[];
  /** Multipart limits when openChunkWriter exists. */
  minPartSize?: number;
  maxPartSize?: number;
  maxParts?: number;
  /** `raw()` forwards X-Kloudless-Raw-Headers and `raw[...]` query parameters upstream (otherwise they are dropped). */
  rawPassthrough: boolean;
}

export interface PresignOptions {
  method: 'PUT' | 'GET';
  expiresInS: number;
  /** PUT: the Content-Type the upload must send (it is signed). */
  contentType?: string;
}

export interface Connector {
  readonly features: Features;

  /** Lists a folder. @throws NotFoundError if it does not exist or is a file. */
  list(folder: Locator, options: ListOptions): Promise<Page<Entry>>;
  /** Metadata of a file or folder. @throws NotFoundError */
  stat(locator: Locator): Promise<Entry>;
  /**
   * The child of `folder` named `name` (exact, case as given), or null. Where a
   * service allows two children of one name (Google Drive), the oldest. One
   * upstream call where the service allows it. A missing `folder` may answer
   * null or NotFoundError: callers check the folder first.
   */
  lookup(folder: Locator, name: string): Promise<Entry | null>;
  /** Reads a file. @throws NotFoundError; InvalidRangeError for a range past the end. */
  read(locator: Locator, range?: ByteRange): Promise<ReadResult>;
  /** Creates the file `name` in `folder` from a stream, or replaces the content of the file of that name. @throws NotFoundError for a missing folder */
  write(folder: Locator, name: string, body: Readable, options?: WriteOptions): Promise<Entry>;
  /** Creates a folder. @throws ConflictError if something of that name is there; NotFoundError for a missing parent */
  mkdir(folder: Locator, name: string): Promise<Entry>;
  /** Renames and/or moves into `toFolder` under `name`. @throws NotFoundError; ConflictError if the name is taken there */
  move(locator: Locator, toFolder: Locator, name: string): Promise<Entry>;
  /** Deletes a file, or a folder (non-empty only with recursive). @throws NotFoundError; FolderNotEmptyError */
  remove(locator: Locator, options: { recursive: boolean }): Promise<void>;

  /** Optional: server-side copy into `toFolder` under `name`. @throws NotFoundError; ConflictError if the name is taken there */
  copy?(locator: Locator, toFolder: Locator, name: string): Promise<Entry>;
  /** Optional: chunked upload of `name` into `folder`, committed by ChunkWriter.complete. @throws NotFoundError when `resume` names an upload that is gone */
  openChunkWriter?(folder: Locator, name: string, options: ChunkWriterOptions): Promise<ChunkWriter>;
  /** Optional: removes what the upload `uploadKey` of `name` into `folder` left behind when its writer is lost (a restart). Idempotent. */
  abortChunkUpload?(folder: Locator, name: string, uploadKey: string): Promise<void>;
  /**
   * Optional: a URL that lets anyone holding it PUT the file `name` of `folder`
   * (with `contentType`) or GET it for `expiresInS` seconds, straight to the storage service.
   */
  presign?(folder: Locator, name: string, options: PresignOptions): Promise<string>;
  /** Optional: name search below `folder`. */
  search?(folder: Locator, query: string, options: ListOptions): Promise<Page<Entry>>;
  /**
   * Checks the credentials with one cheap call (a stat or a one-entry listing of
   * the root), so the platform can refuse an account before saving it.
   * @throws AuthError for rejected credentials; NotFoundError for a missing root/bucket
   */
  validateCredentials?(): Promise<void>;
  /**
   * Optional: sends one request to the account's own upstream HTTP API with the
   * account's credentials and answers what the service answered, whatever its
   * status (`POST /v1/accounts/{id}/raw`). The URI is confined to the account's
   * service (its API base, known upload/content hosts, its bucket or collection).
   * @throws InvalidParametersError for a URI outside it or an internal address (no connection made)
   */
  raw?(request: RawRequest): Promise<RawResponse>;
  /** Releases connections (SFTP/FTP sessions, HTTP agents). */
  close?(): Promise<void>;
}

/** Capability test callers use instead of branching on a connector's name. */
export function has<K extends 'copy' | 'openChunkWriter' | 'search' | 'abortChunkUpload' | 'presign' | 'raw'>(
  connector: Connector,
  capability: K,
): connector is Connector & Required<Pick<Connector, K>> {
  return typeof connector[capability] === 'function';
}
