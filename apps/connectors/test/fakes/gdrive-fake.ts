import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeTokens, requestedRange, sendJson, startFakeService, type FakeService } from './fake-service';

/**
 * An in-memory Google Drive API v3, for the endpoints the gdrive connector
 * uses, following the published reference:
 * - files.list (q: `'<id>' in parents`, `name = '…'` (case-insensitive, as
 *   Drive's `=` on names is), `mimeType = / != '…'`, `trashed = true|false`,
 *   joined by `and`; pageSize 1–1000, pageToken/nextPageToken, orderBy, fields);
 * - files.get (metadata; `alt=media` with Range → 206, 416; Google-native
 *   documents and folders → 403 fileNotDownloadable);
 * - files.create (metadata only), files.update (name; addParents/removeParents;
 *   `parents` in the body → 403 fieldNotWritable), files.copy (folders → 403
 *   cannotCopyFile), files.delete (a folder with its descendants);
 * - uploads on /upload/drive/v3/files: uploadType=media|multipart (≤ 5 MB),
 *   and resumable sessions (Location session URI; PUT with Content-Range,
 *   chunks multiples of 256 KiB but the last; a chunk not starting at the
 *   received offset is refused with 400; 308 + Range until complete, then 200
 *   (update) / 201 (create); `bytes *\/total` queries the status);
 * - errors in Drive's body `{ error: { code, message, errors: [{ domain, reason, message, … }] } }`;
 *   401 authError for an expired or unknown token.
 * It is a fake, not Drive: ids are random, no permissions, no trash UI.
 */
export interface FakeDriveFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  createdTime: string;
  modifiedTime: string;
  trashed: boolean;
  content?: Buffer;
}

interface Session {
  target: { kind: 'create'; meta: Record<string, unknown>; mimeType: string } | { kind: 'update'; fileId: string; meta: Record<string, unknown>; mimeType?: string };
  fields?: string;
  chunks: Buffer[];
  received: number;
}

export interface UploadLogEntry {
  uploadType: string;
  method: string;
  contentRange?: string;
  bytes: number;
  status: number;
}

export interface GdriveFake extends FakeService {
  /** Connector config pointing at this fake. */
  readonly config: { apiUrl: string; uploadUrl: string };
  readonly rootId: string;
  /** Every upload request (simple, session start, chunk). */
  readonly uploads: UploadLogEntry[];
  file(id: string): FakeDriveFile | undefined;
  /** Adds a file or folder directly (duplicates, Google Docs, several parents…), as another Drive client would. */
  seed(file: { name: string; parents?: string[]; mimeType?: string; content?: Buffer | string; createdTime?: Date }): FakeDriveFile;
  /** Adds a parent to a file (Drive files may sit in several folders). */
  addParent(id: string, parent: string): void;
  trash(id: string): void;
  /** The next `times` downloads (alt=media) answer `status` (the shared `inject` cannot tell them from files.get). */
  failDownloads(status: number, times?: number): void;
  /** The next resumable chunk keeps only its first `keepBytes` and answers 503, as a broken connection would. */
  interruptNextChunk(keepBytes: number): void;
}

const FOLDER = 'application/vnd.google-apps.folder';
const NATIVE = 'application/vnd.google-apps.';
const SIMPLE_MAX = 5 * 1024 * 1024;
const GRANULE = 256 * 1024;
const ALL_FIELDS = ['kind', 'id', 'name', 'mimeType', 'parents', 'size', 'createdTime', 'modifiedTime', 'md5Checksum', 'trashed'];
const DEFAULT_FILE_FIELDS = ['kind', 'id', 'name', 'mimeType'];

class DriveError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly extra: Record<string, string> = {}) {
    super(message);
  }
}

const notFound = (id: string) => new DriveError(404, 'notFound', `File not found: ${id}.`, { location: 'fileId', locationType: 'parameter' });
const invalid = (location: string, message = 'Invalid Value') => new DriveError(400, 'invalid', message, { location, locationType: 'parameter' });

function sendError(res: ServerResponse, err: DriveError): void {
  const domain = err.reason.includes('RateLimit') || err.reason === 'storageQuotaExceeded' ? 'usageLimits' : 'global';
  sendJson(res, err.code, { error: { code: err.code, message: err.message, errors: [{ message: err.message, domain, reason: err.reason, ...err.extra }] } });
}

export async function startGdriveFake(options: { defaultPageSize?: number; tokens?: FakeTokens; checkToken?: (token?: string) => Promise<boolean>; quotaBytes?: number } = {}): Promise<GdriveFake> {
  const defaultPageSize = options.defaultPageSize ?? 5;
  const files = new Map<string, FakeDriveFile>();
  const sessions = new Map<string, Session>();
  const uploads: UploadLogEntry[] = [];
  const interruptions: number[] = [];
  const mediaFaults: number[] = [];
  let clock = Date.now();
  const now = () => new Date((clock = Math.max(clock + 1, Date.now()))).toISOString();
  const newId = () => randomBytes(21).toString('base64url').replace(/^[-_]/, 'x');
  const rootId = `0A${newId().slice(0, 17)}`;
  files.set(rootId, { id: rootId, name: 'My Drive', mimeType: FOLDER, parents: [], createdTime: now(), modifiedTime: now(), trashed: false });
  let baseUrl = '';

  const live = (id: string): FakeDriveFile => {
    const file = files.get(id === 'root' ? rootId : id);
    if (!file) throw notFound(id);
    return file;
  };
  const used = () => [...files.values()].reduce((n, f) => n + (f.content?.length ?? 0), 0);
  const checkQuota = (extra: number) => {
    if (options.quotaBytes !== undefined && used() + extra > options.quotaBytes) {
      throw new DriveError(403, 'storageQuotaExceeded', "The user's Drive storage quota has been exceeded.");
    }
  };

  function resource(file: FakeDriveFile): Record<string, unknown> {
    const out: Record<string, unknown> = { kind: 'drive#file', id: file.id, name: file.name, mimeType: file.mimeType };
    if (file.id !== rootId) out.parents = [...file.parents];
    if (file.content && !file.mimeType.startsWith(NATIVE)) {
      out.size = String(file.content.length);
      out.md5Checksum = createHash('md5').update(file.content).digest('hex');
    }
    out.createdTime = file.createdTime;
    out.modifiedTime = file.modifiedTime;
    out.trashed = file.trashed;
    return out;
  }

  /** The `fields` system parameter: `a,b` or `nextPageToken,files(a,b)`. */
  function select(value: Record<string, unknown>, fields: string[]): Record<string, unknown> {
    return Object.fromEntries(fields.filter((f) => f in value).map((f) => [f, value[f]]));
  }
  function fileFields(spec: string | null): string[] {
    if (spec === null) return DEFAULT_FILE_FIELDS;
    if (spec === '*') return ALL_FIELDS;
    const fields = spec.split(',').map((f) => f.trim());
    if (fields.some((f) => !ALL_FIELDS.includes(f))) throw invalid('fields', 'Invalid field selection');
    return fields;
  }
  function listFields(spec: string | null): { top: string[]; file: string[] } {
    if (spec === null) return { top: ['kind', 'nextPageToken', 'incompleteSearch', 'files'], file: DEFAULT_FILE_FIELDS };
    const nested = /files\(([^)]*)\)/.exec(spec);
    const top = spec.replace(/files\([^)]*\)/, '').split(',').map((f) => f.trim()).filter(Boolean);
    if (top.some((f) => !['kind', 'nextPageToken', 'incompleteSearch', 'files'].includes(f))) throw invalid('fields', 'Invalid field selection');
    if (nested) top.push('files');
    return { top, file: nested ? fileFields(nested[1]) : ALL_FIELDS };
  }

  function isAncestor(ancestor: string, id: string): boolean {
    const seen = new Set<string>();
    const walk = (cur: string): boolean => {
      if (cur === ancestor) return true;
      if (seen.has(cur)) return false;
      seen.add(cur);
      return (files.get(cur)?.parents ?? []).some(walk);
    };
    return walk(id);
  }

  function parentFolder(id: string): string {
    const parent = live(id);
    if (parent.mimeType !== FOLDER) throw new DriveError(400, 'badRequest', 'The specified parent is not a folder.');
    return parent.id;
  }

  function create(meta: Record<string, unknown>, content?: Buffer, mediaType?: string): FakeDriveFile {
    const parents = meta.parents === undefined ? [rootId] : meta.parents;
    if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string')) throw invalid('parents');
    if (parents.length > 1) throw new DriveError(403, 'cannotAddParent', 'Increasing the number of parents is not allowed.');
    const mimeType = typeof meta.mimeType === 'string' ? meta.mimeType : mediaType ?? 'application/octet-stream';
    if (content) checkQuota(content.length);
    const time = now();
    const file: FakeDriveFile = {
      id: newId(),
      name: typeof meta.name === 'string' ? meta.name : 'Untitled',
      mimeType,
      parents: (parents as string[]).map(parentFolder),
      createdTime: time,
      modifiedTime: time,
      trashed: false,
      content: mimeType === FOLDER ? undefined : content ?? Buffer.alloc(0),
    };
    files.set(file.id, file);
    return file;
  }

  function replaceContent(file: FakeDriveFile, content: Buffer, meta: Record<string, unknown>): void {
    if (file.mimeType === FOLDER || file.mimeType.startsWith(NATIVE)) throw new DriveError(400, 'badRequest', 'This file does not take uploaded content.');
    checkQuota(content.length - (file.content?.length ?? 0));
    file.content = content;
    if (typeof meta.name === 'string') file.name = meta.name;
    file.modifiedTime = now();
  }

  // ---- the query language, as much as the connector uses ----
  type Pred = (f: FakeDriveFile) => boolean;
  function parseQuery(q: string): Pred {
    const tokens: { t: 'str' | 'word' | 'op'; v: string }[] = [];
    let i = 0;
    while (i < q.length) {
      const c = q[i];
      if (/\s/.test(c)) i++;
      else if (c === "'") {
        let v = '';
        i++;
        for (;;) {
          if (i >= q.length) throw invalid('q');
          if (q[i] === '\\') {
            if (i + 1 >= q.length) throw invalid('q');
            v += q[i + 1];
            i += 2;
          } else if (q[i] === "'") {
            i++;
            break;
          } else v += q[i++];
        }
        tokens.push({ t: 'str', v });
      } else if (q.startsWith('!=', i)) (tokens.push({ t: 'op', v: '!=' }), (i += 2));
      else if (c === '=') (tokens.push({ t: 'op', v: '=' }), i++);
      else {
        const m = /^[A-Za-z]+/.exec(q.slice(i));
        if (!m) throw invalid('q');
        tokens.push({ t: 'word', v: m[0] });
        i += m[0].length;
      }
    }
    const preds: Pred[] = [];
    let k = 0;
    for (;;) {
      const [a, b, c] = [tokens[k], tokens[k + 1], tokens[k + 2]];
      if (!a || !b || !c) throw invalid('q');
      if (a.t === 'str' && b.v === 'in' && c.v === 'parents') {
        const parent = a.v === 'root' ? rootId : a.v;
        preds.push((f) => f.parents.includes(parent));
      } else if (a.t === 'word' && b.t === 'op' && a.v === 'trashed' && c.t === 'word' && /^(true|false)$/.test(c.v)) {
        const want = c.v === 'true';
        preds.push((f) => (b.v === '=' ? f.trashed === want : f.trashed !== want));
      } else if (a.t === 'word' && b.t === 'op' && a.v === 'name' && c.t === 'str') {
        const want = c.v.toLowerCase();
        preds.push((f) => (f.name.toLowerCase() === want) === (b.v === '='));
      } else if (a.t === 'word' && b.t === 'op' && a.v === 'mimeType' && c.t === 'str') {
        preds.push((f) => (f.mimeType === c.v) === (b.v === '='));
      } else throw invalid('q');
      k += 3;
      if (k === tokens.length) break;
      if (tokens[k].t !== 'word' || tokens[k].v.toLowerCase() !== 'and') throw invalid('q');
      k++;
    }
    return (f) => f.id !== rootId && preds.every((p) => p(f));
  }

  function comparator(orderBy: string | null): (a: FakeDriveFile, b: FakeDriveFile) => number {
    const keys = (orderBy ?? 'createdTime').split(',').map((s) => s.trim().split(/\s+/));
    const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
    const parts = keys.map(([key, dir]) => {
      if (dir !== undefined && dir !== 'desc') throw invalid('orderBy');
      const sign = dir === 'desc' ? -1 : 1;
      const get: Record<string, (f: FakeDriveFile) => string | number> = {
        folder: (f) => (f.mimeType === FOLDER ? 0 : 1),
        name: (f) => f.name.toLowerCase(),
        createdTime: (f) => f.createdTime,
        modifiedTime: (f) => f.modifiedTime,
      };
      if (!get[key]) throw invalid('orderBy');
      return (a: FakeDriveFile, b: FakeDriveFile) => sign * cmp(get[key](a), get[key](b));
    });
    return (a, b) => parts.reduce((r, p) => r || p(a, b), 0) || cmp(a.createdTime, b.createdTime) || cmp(a.id, b.id);
  }

  // ---- handlers ----
  function list(url: URL, res: ServerResponse): void {
    const q = url.searchParams.get('q') ?? 'trashed = false';
    const pageSize = url.searchParams.has('pageSize') ? Number(url.searchParams.get('pageSize')) : defaultPageSize;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw invalid('pageSize', `Invalid value '${url.searchParams.get('pageSize')}'. Values must be within the range: [1, 1000]`);
    const orderBy = url.searchParams.get('orderBy');
    let offset = 0;
    const token = url.searchParams.get('pageToken');
    if (token) {
      try {
        const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { q: string; o: string | null; n: number };
        if (decoded.q !== q || decoded.o !== orderBy || !Number.isInteger(decoded.n)) throw new Error('mismatch');
        offset = decoded.n;
      } catch {
        throw invalid('pageToken');
      }
    }
    const pred = parseQuery(q);
    const all = [...files.values()].filter(pred).sort(comparator(orderBy));
    const page = all.slice(offset, offset + pageSize);
    const { top, file } = listFields(url.searchParams.get('fields'));
    const body: Record<string, unknown> = { kind: 'drive#fileList', incompleteSearch: false, files: page.map((f) => select(resource(f), file)) };
    if (offset + pageSize < all.length) body.nextPageToken = Buffer.from(JSON.stringify({ q, o: orderBy, n: offset + pageSize })).toString('base64url');
    sendJson(res, 200, select(body, top));
  }

  function download(file: FakeDriveFile, req: IncomingMessage, res: ServerResponse): void {
    if (mediaFaults.length) throw new DriveError(mediaFaults.shift()!, 'backendError', 'Backend Error');
    if (file.mimeType === FOLDER || file.mimeType.startsWith(NATIVE)) {
      throw new DriveError(403, 'fileNotDownloadable', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', { location: 'alt', locationType: 'parameter' });
    }
    const content = file.content ?? Buffer.alloc(0);
    const range = requestedRange(req.headers.range, content.length);
    if (range === 'invalid') {
      res.writeHead(416, { 'content-type': 'application/json', 'content-range': `bytes */${content.length}` });
      res.end(JSON.stringify({ error: { code: 416, message: 'Request range not satisfiable', errors: [{ domain: 'global', reason: 'requestedRangeNotSatisfiable', message: 'Request range not satisfiable' }] } }));
      return;
    }
    if (range === null) {
      res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(content.length) });
      res.end(content);
      return;
    }
    res.writeHead(206, { 'content-type': file.mimeType, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${content.length}` });
    res.end(content.subarray(range.start, range.end + 1));
  }

  function update(file: FakeDriveFile, url: URL, meta: Record<string, unknown>): void {
    if ('parents' in meta) throw new DriveError(403, 'fieldNotWritable', 'The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.');
    const add = (url.searchParams.get('addParents') ?? '').split(',').filter(Boolean).map(parentFolder);
    const remove = (url.searchParams.get('removeParents') ?? '').split(',').filter(Boolean).map((p) => (p === 'root' ? rootId : p));
    for (const p of add) if (isAncestor(file.id, p)) throw new DriveError(400, 'badRequest', 'Adding this parent would create a cycle.');
    if (typeof meta.name === 'string') file.name = meta.name;
    if (meta.trashed === true || meta.trashed === false) file.trashed = meta.trashed;
    file.parents = [...file.parents.filter((p) => !remove.includes(p)), ...add.filter((p) => !file.parents.includes(p))];
    file.modifiedTime = now();
  }

  function removeTree(id: string): void {
    for (const child of [...files.values()].filter((f) => f.parents.includes(id))) {
      child.parents = child.parents.filter((p) => p !== id);
      if (child.parents.length === 0) removeTree(child.id);
    }
    files.delete(id);
  }

  function copy(source: FakeDriveFile, meta: Record<string, unknown>): FakeDriveFile {
    if (source.mimeType === FOLDER) throw new DriveError(403, 'cannotCopyFile', 'This file cannot be copied by the user.');
    return create({ name: meta.name ?? `Copy of ${source.name}`, parents: meta.parents ?? source.parents.slice(0, 1), mimeType: source.mimeType }, source.content ? Buffer.from(source.content) : undefined);
  }

  /** multipart/related: a JSON metadata part, then the media part. */
  function parseMultipart(req: IncomingMessage, body: Buffer): { meta: Record<string, unknown>; media: Buffer; mediaType?: string } {
    const boundary = /boundary="?([^";]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1];
    if (!boundary || !/^multipart\/related/i.test(req.headers['content-type'] ?? '')) throw new DriveError(400, 'badContent', 'Media type not supported for multipart upload.');
    const delim = Buffer.from(`--${boundary}`);
    const parts: Buffer[] = [];
    let at = body.indexOf(delim);
    while (at >= 0) {
      const start = at + delim.length;
      if (body.subarray(start, start + 2).toString() === '--') break;
      const next = body.indexOf(delim, start);
      if (next < 0) throw new DriveError(400, 'badContent', 'Malformed multipart body.');
      parts.push(body.subarray(start + 2, next - 2)); // after CRLF, before CRLF
      at = next;
    }
    if (parts.length !== 2) throw new DriveError(400, 'badContent', 'A multipart upload needs a metadata part and a media part.');
    const split = (part: Buffer) => {
      const end = part.indexOf('\r\n\r\n');
      if (end < 0) throw new DriveError(400, 'badContent', 'Malformed multipart body.');
      return { headers: part.subarray(0, end).toString('utf8'), data: part.subarray(end + 4) };
    };
    const metaPart = split(parts[0]);
    const mediaPart = split(parts[1]);
    return { meta: parseJson(metaPart.data), media: mediaPart.data, mediaType: /content-type:\s*([^\r\n;]+)/i.exec(mediaPart.headers)?.[1] };
  }

  function parseJson(body: Buffer): Record<string, unknown> {
    if (body.length === 0) return {};
    try {
      const value = JSON.parse(body.toString('utf8'));
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    } catch {
      // fall through
    }
    throw new DriveError(400, 'parseError', 'Parse Error');
  }

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL, fileId: string | undefined, body: () => Promise<Buffer>): Promise<void> {
    const uploadType = url.searchParams.get('uploadType') ?? '';
    const fields = url.searchParams.get('fields');
    const log = (status: number, bytes: number) => uploads.push({ uploadType, method: req.method ?? '', contentRange: req.headers['content-range'], bytes, status });
    const existing = fileId === undefined ? undefined : live(fileId);
    if (req.method === 'PUT' && url.searchParams.has('upload_id')) return chunk(req, res, url.searchParams.get('upload_id')!, await body(), log);
    if (uploadType === 'media' || uploadType === 'multipart') {
      const data = await body();
      const { meta, media, mediaType } = uploadType === 'multipart' ? parseMultipart(req, data) : { meta: {}, media: data, mediaType: req.headers['content-type'] };
      if (media.length > SIMPLE_MAX) {
        log(413, media.length);
        throw new DriveError(413, 'uploadTooLarge', 'The upload is too large for this upload type; use a resumable upload.');
      }
      let file: FakeDriveFile;
      if (existing) {
        replaceContent(existing, media, meta);
        file = existing;
      } else {
        file = create(meta, media, mediaType);
      }
      log(200, media.length);
      sendJson(res, 200, select(resource(file), fileFields(fields)));
      return;
    }
    if (uploadType === 'resumable') {
      const meta = parseJson(await body());
      const mimeType = typeof req.headers['x-upload-content-type'] === 'string' ? req.headers['x-upload-content-type'] : undefined;
      if (!existing) {
        // Checked now, as Drive does, so a bad parent fails before any byte is sent.
        const parents = (meta.parents as string[] | undefined) ?? [];
        parents.forEach(parentFolder);
      } else if (existing.mimeType === FOLDER || existing.mimeType.startsWith(NATIVE)) {
        throw new DriveError(400, 'badRequest', 'This file does not take uploaded content.');
      }
      const id = randomBytes(24).toString('base64url');
      sessions.set(id, {
        target: existing ? { kind: 'update', fileId: existing.id, meta, mimeType } : { kind: 'create', meta, mimeType: mimeType ?? 'application/octet-stream' },
        fields: fields ?? undefined,
        chunks: [],
        received: 0,
      });
      const session = new URL(`${baseUrl}/upload/drive/v3/files${existing ? `/${existing.id}` : ''}`);
      session.searchParams.set('uploadType', 'resumable');
      session.searchParams.set('upload_id', id);
      log(200, 0);
      res.writeHead(200, { location: session.toString(), 'content-length': '0' });
      res.end();
      return;
    }
    throw invalid('uploadType', `Invalid value '${uploadType}'. Values must be one of: media, multipart, resumable.`);
  }

  function chunk(req: IncomingMessage, res: ServerResponse, uploadId: string, data: Buffer, log: (status: number, bytes: number) => void): void {
    const session = sessions.get(uploadId);
    if (!session) {
      log(404, data.length);
      throw new DriveError(404, 'notFound', 'The upload session does not exist or has expired.');
    }
    const header = req.headers['content-range'] ?? '';
    const status = /^bytes \*\/(\d+|\*)$/.exec(header);
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header);
    const incomplete = () => {
      log(308, data.length);
      const headers: Record<string, string> = { 'content-length': '0' };
      if (session.received > 0) headers.range = `bytes=0-${session.received - 1}`;
      res.writeHead(308, headers);
      res.end();
    };
    let total: number | undefined;
    if (status) {
      if (data.length) throw new DriveError(400, 'badRequest', 'A status request has no body.');
      if (status[1] === '*' || Number(status[1]) !== session.received) return incomplete();
      total = session.received;
    } else {
      if (!range) throw new DriveError(400, 'badRequest', 'Invalid Content-Range header.');
      const [start, end] = [Number(range[1]), Number(range[2])];
      if (end - start + 1 !== data.length) throw new DriveError(400, 'badRequest', 'The Content-Range does not match the body length.');
      if (start !== session.received) throw new DriveError(400, 'badRequest', `Invalid request: the chunk starts at ${start}, but ${session.received} bytes were received.`);
      const last = range[3] !== '*' && end + 1 === Number(range[3]);
      if (range[3] !== '*' && end + 1 > Number(range[3])) throw new DriveError(400, 'badRequest', 'The chunk goes past the declared total.');
      if (!last && (end + 1) % GRANULE !== 0) throw new DriveError(400, 'badRequest', 'Chunks must be multiples of 256 KiB, except the last one.');
      if (interruptions.length) {
        // The connection broke mid-chunk: the server kept only part of it.
        const keep = Math.min(interruptions.shift()!, data.length);
        session.chunks.push(Buffer.from(data.subarray(0, keep)));
        session.received += keep;
        log(503, data.length);
        throw new DriveError(503, 'backendError', 'Backend Error');
      }
      session.chunks.push(Buffer.from(data));
      session.received += data.length;
      if (!last) return incomplete();
      total = session.received;
    }
    const content = Buffer.concat(session.chunks, total);
    sessions.delete(uploadId);
    let file: FakeDriveFile;
    if (session.target.kind === 'update') {
      file = live(session.target.fileId);
      replaceContent(file, content, session.target.meta);
      log(200, data.length);
      sendJson(res, 200, select(resource(file), fileFields(session.fields ?? null)));
    } else {
      file = create(session.target.meta, content, session.target.mimeType);
      log(201, data.length);
      sendJson(res, 201, select(resource(file), fileFields(session.fields ?? null)));
    }
  }

  const service = await startFakeService({
    tokens: options.tokens,
    checkToken: options.checkToken,
    unauthorized: (res) => {
      res.setHeader('www-authenticate', 'Bearer realm="https://accounts.google.com/", error="invalid_token"');
      sendJson(res, 401, {
        error: {
          code: 401,
          message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
          errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
          status: 'UNAUTHENTICATED',
        },
      });
    },
    handler: async (req, res, url, body): Promise<void> => {
      try {
        const path = url.pathname;
        const method = req.method ?? 'GET';
        let m: RegExpExecArray | null;
        if (path === '/drive/v3/files' && method === 'GET') return list(url, res);
        if (path === '/drive/v3/files' && method === 'POST') {
          const file = create(parseJson(await body()));
          return sendJson(res, 200, select(resource(file), fileFields(url.searchParams.get('fields'))));
        }
        if ((m = /^\/drive\/v3\/files\/([^/]+)\/copy$/.exec(path)) && method === 'POST') {
          const file = copy(live(decodeURIComponent(m[1])), parseJson(await body()));
          return sendJson(res, 200, select(resource(file), fileFields(url.searchParams.get('fields'))));
        }
        if ((m = /^\/drive\/v3\/files\/([^/]+)$/.exec(path))) {
          const file = live(decodeURIComponent(m[1]));
          if (method === 'GET') {
            if (url.searchParams.get('alt') === 'media') return download(file, req, res);
            return sendJson(res, 200, select(resource(file), fileFields(url.searchParams.get('fields'))));
          }
          if (method === 'PATCH') {
            update(file, url, parseJson(await body()));
            return sendJson(res, 200, select(resource(file), fileFields(url.searchParams.get('fields'))));
          }
          if (method === 'DELETE') {
            if (file.id === rootId) throw new DriveError(403, 'cannotDeleteRoot', 'The root folder cannot be deleted.');
            removeTree(file.id);
            res.writeHead(204);
            res.end();
            return;
          }
        }
        if (path === '/upload/drive/v3/files' && (method === 'POST' || method === 'PUT')) return await upload(req, res, url, undefined, body);
        if ((m = /^\/upload\/drive\/v3\/files\/([^/]+)$/.exec(path)) && (method === 'PATCH' || method === 'PUT')) return await upload(req, res, url, decodeURIComponent(m[1]), body);
        throw new DriveError(404, 'notFound', 'Not Found');
      } catch (err) {
        if (!(err instanceof DriveError)) throw err;
        req.resume();
        sendError(res, err);
      }
    },
  });
  baseUrl = service.url;

  return {
    ...service,
    url: service.url,
    tokens: service.tokens,
    requests: service.requests,
    inject: service.inject,
    stop: service.stop,
    config: { apiUrl: `${service.url}/drive/v3`, uploadUrl: `${service.url}/upload/drive/v3` },
    rootId,
    uploads,
    file: (id) => files.get(id),
    seed: ({ name, parents, mimeType, content, createdTime }) => {
      const time = (createdTime ?? new Date(clock = Math.max(clock + 1, Date.now()))).toISOString();
      const file: FakeDriveFile = {
        id: newId(),
        name,
        mimeType: mimeType ?? 'application/octet-stream',
        parents: (parents ?? [rootId]).map((p) => (p === 'root' || p === '' ? rootId : p)),
        createdTime: time,
        modifiedTime: time,
        trashed: false,
        content: mimeType === FOLDER || mimeType?.startsWith(NATIVE) ? undefined : typeof content === 'string' ? Buffer.from(content) : content ?? Buffer.alloc(0),
      };
      files.set(file.id, file);
      return file;
    },
    addParent: (id, parent) => {
      const file = live(id);
      if (!file.parents.includes(parent)) file.parents.push(parent);
    },
    trash: (id) => {
      live(id).trashed = true;
    },
    failDownloads: (status, times = 1) => {
      for (let i = 0; i < times; i++) mediaFaults.push(status);
    },
    interruptNextChunk: (keepBytes) => {
      interruptions.push(keepBytes);
    },
  };
}
