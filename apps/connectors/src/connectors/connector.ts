import type { Readable } from 'node:stream';

/**
 * The one storage contract every connector implements (rclone's fs.Fs, in
 * TypeScript). Paths are POSIX, relative to the account's root, without a
 * leading slash: '' is the root, 'a/b.txt' a file below folder 'a'. Callers
 * never build paths from user input themselves: ids are decoded by
 * libs/common's id codec, which refuses anything that could escape the root.
 *
 * Errors: every method throws only the classes of libs/common/src/errors
 * (NotFoundError, ConflictError, ...), never a raw SDK error.
 */
export interface Entry {
  /** Path relative to the account root ('' for the root). */
  path: string;
  name: string;
  kind: 'file' | 'folder';
  /** Bytes; null for folders or when the service does not say. */
  size: number | null;
  created: Date | null;
  modified: Date | null;
  mimeType?: string;
  /** Service-specific properties, returned with X-Kloudless-Raw-Data. */
  raw?: Record<string, unknown>;
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
  /** Raw passthrough of X-Kloudless-Raw-Headers / raw[...] query params is honoured. */
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
  list(folder: string, options: ListOptions): Promise<Page<Entry>>;
  /** Metadata of a file or folder. @throws NotFoundError */
  stat(path: string): Promise<Entry>;
  /** Reads a file. @throws NotFoundError; InvalidRangeError for a range past the end. */
  read(path: string, range?: ByteRange): Promise<ReadResult>;
  /** Creates or replaces a file from a stream. Parent folders must exist. @throws NotFoundError for a missing parent */
  write(path: string, body: Readable, options?: WriteOptions): Promise<Entry>;
  /** Creates a folder. @throws ConflictError if something exists there; NotFoundError for a missing parent */
  mkdir(path: string): Promise<Entry>;
  /** Renames or moves a file or folder. @throws NotFoundError; ConflictError if `to` exists */
  move(from: string, to: string): Promise<Entry>;
  /** Deletes a file, or a folder (non-empty only with recursive). @throws NotFoundError; FolderNotEmptyError */
  remove(path: string, options: { recursive: boolean }): Promise<void>;

  /** Optional: server-side copy. @throws NotFoundError; ConflictError if `to` exists */
  copy?(from: string, to: string): Promise<Entry>;
  /** Optional: chunked upload into `path`, committed by ChunkWriter.complete. @throws NotFoundError when `resume` names an upload that is gone */
  openChunkWriter?(path: string, options: ChunkWriterOptions): Promise<ChunkWriter>;
  /** Optional: removes what the upload `uploadKey` into `path` left behind when its writer is lost (a restart). Idempotent. */
  abortChunkUpload?(path: string, uploadKey: string): Promise<void>;
  /**
   * Optional: a URL that lets anyone holding it PUT `path` (with `contentType`)
   * or GET it for `expiresInS` seconds, straight to the storage service.
   */
  presign?(path: string, options: PresignOptions): Promise<string>;
  /** Optional: name search below `folder`. */
  search?(folder: string, query: string, options: ListOptions): Promise<Page<Entry>>;
  /**
   * Checks the credentials with one cheap call (a stat or a one-entry listing of
   * the root), so the platform can refuse an account before saving it.
   * @throws AuthError for rejected credentials; NotFoundError for a missing root/bucket
   */
  validateCredentials?(): Promise<void>;
  /** Releases connections (SFTP/FTP sessions, HTTP agents). */
  close?(): Promise<void>;
}

/** Capability test callers use instead of branching on a connector's name. */
export function has<K extends 'copy' | 'openChunkWriter' | 'search' | 'abortChunkUpload' | 'presign'>(
  connector: Connector,
  capability: K,
): connector is Connector & Required<Pick<Connector, K>> {
  return typeof connector[capability] === 'function';
}
