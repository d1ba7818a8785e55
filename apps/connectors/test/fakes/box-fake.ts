import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeTokens, requestedRange, sendJson, startFakeService, type FakeService } from './fake-service';

/**
 * A fake of Box's Content API 2.0, in memory, for the endpoints the Box
 * connector uses, after https://developer.box.com/reference/ :
 *
 *   api (`/2.0`):      GET/PUT/DELETE /folders/{id}, GET /folders/{id}/items, POST /folders,
 *                      POST /folders/{id}/copy, GET/PUT/DELETE /files/{id}, POST /files/{id}/copy,
 *                      GET /files/{id}/content (302 to a pre-authorized `/dl/…` URL), GET /search
 *   upload (`/api/2.0`): POST /files/content, POST /files/{id}/content, POST /files/upload_sessions,
 *                      POST /files/{id}/upload_sessions, PUT /files/upload_sessions/{id},
 *                      POST /files/upload_sessions/{id}/commit, DELETE /files/upload_sessions/{id}
 *
 * It is a fake, not Box: one user, no trash listing, search sees new items at
 * once (Box indexes with a delay), and the error codes Box does not publish
 * for upload parts (digest and range mismatches) are named here.
 */
export interface BoxFakeOptions {
  tokens?: FakeTokens;
  /** Most items a listing or search page holds (Box: 1000 and 200); small so tests page. */
  maxLimit?: number;
  /** The part size upload sessions ask for (Box: 8 MiB and up). */
  partSize?: number;
  /** The smallest file an upload session accepts (Box: 20,000,000 bytes; else 400 file_size_too_small). */
  minSessionSize?: number;
}

export interface BoxFake extends FakeService {
  /** The connector config pointing at this fake (validateBoxConfig input). */
  readonly config: { apiUrl: string; uploadUrl: string; downloadHosts: string[] };
  /** The bytes of a file, by Box id. */
  content(fileId: string): Buffer | undefined;
  /** The next `times` commits answer 202 with `Retry-After: retryAfterS` (parts still being processed). */
  commitPending(times: number, retryAfterS?: number): void;
  /** Upload sessions neither committed nor aborted. */
  openSessions(): number;
}

type Kind = 'file' | 'folder';

interface Item {
  type: Kind;
  id: string;
  name: string;
  /** Folder id; null for the root. */
  parent: string | null;
  created_at: string;
  modified_at: string;
  trashed: boolean;
  etag: number;
  content?: Buffer;
  sha1?: string;
  version: number;
}

interface Session {
  id: string;
  fileSize: number;
  folderId: string;
  fileName: string;
  fileId?: string;
  parts: Map<number, { part_id: string; offset: number; size: number; sha1: string; data: Buffer }>;
}

const ROOT_ID = '0';
const MIN_ITEM_FIELDS = ['type', 'id', 'etag'];

export async function startBoxFake(options: BoxFakeOptions = {}): Promise<BoxFake> {
  const maxLimit = options.maxLimit ?? 3;
  const partSize = options.partSize ?? 8 * 1024 * 1024;
  const minSessionSize = options.minSessionSize ?? 20_000_000;
  const items = { file: new Map<string, Item>(), folder: new Map<string, Item>() };
  // Files and folders are numbered separately, as in Box: file 1001 and folder 1001 both exist.
  const nextId = { file: 1000, folder: 1000 };
  const sessions = new Map<string, Session>();
  const downloads = new Map<string, Buffer>();
  let pendingCommits = { times: 0, retryAfter: 1 };
  let baseUrl = '';

  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, '-00:00');
  const root: Item = { type: 'folder', id: ROOT_ID, name: 'All Files', parent: null, created_at: now(), modified_at: now(), trashed: false, etag: 0, version: 0 };
  items.folder.set(ROOT_ID, root);

  // ---- the tree ----------------------------------------------------------------------------

  const live = (item: Item | undefined): item is Item => {
    for (let at = item; at; at = at.parent === null ? undefined : items.folder.get(at.parent)) if (at.trashed) return false;
    return item !== undefined;
  };
  const get = (kind: Kind, id: string): Item | undefined => {
    const item = items[kind].get(id);
    return live(item) ? item : undefined;
  };
  const children = (folderId: string): Item[] =>
    [...items.folder.values(), ...items.file.values()]
      .filter((i) => i.parent === folderId && live(i))
      .sort((a, b) => (a.type === b.type ? Number(a.id) - Number(b.id) : a.type === 'folder' ? -1 : 1));
  /** Box keeps names unique in a folder, ignoring case. */
  const taken = (folderId: string, name: string, except?: Item): Item | undefined =>
    children(folderId).find((c) => c !== except && c.name.toLowerCase() === name.toLowerCase());
  const ancestors = (item: Item): Item[] => {
    const chain: Item[] = [];
    for (let at = item.parent === null ? undefined : items.folder.get(item.parent); at; at = at.parent === null ? undefined : items.folder.get(at.parent)) chain.unshift(at);
    return chain;
  };
  const isBelow = (item: Item, folderId: string) => ancestors(item).some((a) => a.id === folderId);
  const sizeOf = (item: Item): number =>
    item.type === 'file' ? item.content!.length : children(item.id).reduce((sum, c) => sum + sizeOf(c), 0);
  const create = (kind: Kind, name: string, parent: string, content?: Buffer): Item => {
    const item: Item = { type: kind, id: String(++nextId[kind]), name, parent, created_at: now(), modified_at: now(), trashed: false, etag: 0, version: 1 };
    if (content) setContent(item, content);
    items[kind].set(item.id, item);
    return item;
  };
  const setContent = (item: Item, content: Buffer) => {
    item.content = content;
    item.sha1 = createHash('sha1').update(content).digest('hex');
  };
  const touch = (item: Item) => {
    item.etag += 1;
    item.modified_at = now();
  };

  // ---- representations (https://developer.box.com/reference/resources/file/, …/folder/) -------

  const user = { type: 'user', id: '11446498', name: 'Fake User', login: 'fake@example.com' };
  const mini = (item: Item): Record<string, unknown> => {
    const base: Record<string, unknown> = { type: item.type, id: item.id, sequence_id: String(item.etag), etag: String(item.etag), name: item.name };
    if (item.type === 'file') Object.assign(base, { sha1: item.sha1, file_version: { type: 'file_version', id: `${item.id}${item.version}`, sha1: item.sha1 } });
    return base;
  };
  const full = (item: Item): Record<string, unknown> => {
    const parent = item.parent === null ? null : items.folder.get(item.parent)!;
    const chain = ancestors(item);
    return {
      ...mini(item),
      description: '',
      size: sizeOf(item),
      path_collection: { total_count: chain.length, entries: chain.map(mini) },
      created_at: item.created_at,
      modified_at: item.modified_at,
      trashed_at: null,
      purged_at: null,
      content_created_at: item.created_at,
      content_modified_at: item.modified_at,
      created_by: user,
      modified_by: user,
      owned_by: user,
      shared_link: null,
      parent: parent ? mini(parent) : null,
      item_status: 'active',
    };
  };
  /** With `fields`, Box returns those plus type, id and etag; without, the standard (or, in listings, mini) object. */
  const shape = (item: Item, url: URL, fallback: (i: Item) => Record<string, unknown> = full): Record<string, unknown> => {
    const fields = url.searchParams.get('fields');
    if (!fields) return fallback(item);
    const all = full(item);
    const wanted = new Set([...MIN_ITEM_FIELDS, ...fields.split(',').map((f) => f.trim())]);
    return Object.fromEntries(Object.entries(all).filter(([k]) => wanted.has(k)));
  };

  // ---- errors (https://developer.box.com/reference/resources/client-error/) ------------------

  const fail = (res: ServerResponse, status: number, code: string, message: string, contextInfo?: Record<string, unknown>) =>
    sendJson(res, status, {
      type: 'error',
      status,
      code,
      ...(contextInfo ? { context_info: contextInfo } : {}),
      help_url: 'http://developers.box.com/docs/#errors',
      message,
      request_id: randomBytes(6).toString('hex'),
    });
  const notFound = (res: ServerResponse) => fail(res, 404, 'not_found', 'Not Found');
  const nameInUse = (res: ServerResponse, conflict: Item) =>
    fail(res, 409, 'item_name_in_use', 'Item with the same name already exists', { conflicts: conflict.type === 'folder' ? [mini(conflict)] : mini(conflict) });
  /** Box refuses '/', '\\', '.', '..', trailing spaces, non-printable characters and names over 255 characters. */
  const badName = (name: unknown): boolean =>
    typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\\x00-\x1f]/.test(name) || / $/.test(name) || name.length > 255;

  // ---- handlers ------------------------------------------------------------------------------

  const json = async (body: () => Promise<Buffer>): Promise<Record<string, any> | undefined> => {
    try {
      const value: unknown = JSON.parse((await body()).toString('utf8') || '{}');
      return value && typeof value === 'object' ? (value as Record<string, any>) : undefined;
    } catch {
      return undefined;
    }
  };

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, path: string, body: () => Promise<Buffer>): Promise<void> {
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/search') return search(res, url);
    if (method === 'POST' && path === '/folders') {
      const input = await json(body);
      if (!input) return fail(res, 400, 'bad_request', 'Invalid JSON');
      const parent = get('folder', String(input.parent?.id ?? ''));
      if (!parent) return notFound(res);
      if (badName(input.name)) return fail(res, 400, 'item_name_invalid', 'Item name invalid');
      const conflict = taken(parent.id, input.name);
      if (conflict) return nameInUse(res, conflict);
      const folder = create('folder', input.name, parent.id);
      return sendJson(res, 201, shape(folder, url));
    }
    if ((m = /^\/folders\/(\d+)\/items$/.exec(path)) && method === 'GET') return listItems(res, url, m[1]);
    if ((m = /^\/(files|folders)\/(\d+)\/copy$/.exec(path)) && method === 'POST') {
      const kind: Kind = m[1] === 'files' ? 'file' : 'folder';
      const item = get(kind, m[2]);
      if (!item) return notFound(res);
      const input = await json(body);
      const parent = get('folder', String(input?.parent?.id ?? ''));
      if (!parent) return notFound(res);
      const name = input?.name ?? item.name;
      if (badName(name)) return fail(res, 400, 'item_name_invalid', 'Item name invalid');
      if (kind === 'folder' && (parent.id === item.id || isBelow(parent, item.id))) return fail(res, 400, 'bad_request', 'Cannot copy a folder into itself');
      const conflict = taken(parent.id, name);
      if (conflict) return nameInUse(res, conflict);
      return sendJson(res, 201, shape(copyTree(item, parent.id, name), url));
    }
    if ((m = /^\/files\/(\d+)\/content$/.exec(path)) && method === 'GET') {
      const file = get('file', m[1]);
      if (!file) return notFound(res);
      // Box answers with a short-lived, pre-authorized URL on its download host (dl.boxcloud.com).
      const token = randomBytes(16).toString('hex');
      downloads.set(token, file.content!);
      res.writeHead(302, { location: `${baseUrl}/dl/${token}`, 'content-length': '0' });
      return void res.end();
    }
    if ((m = /^\/(files|folders)\/(\d+)$/.exec(path))) {
      const kind: Kind = m[1] === 'files' ? 'file' : 'folder';
      const item = get(kind, m[2]);
      if (!item) return notFound(res);
      if (method === 'GET') return sendJson(res, 200, shape(item, url));
      if (method === 'PUT') return update(res, url, item, await json(body));
      if (method === 'DELETE') {
        if (item.id === ROOT_ID && kind === 'folder') return fail(res, 403, 'access_denied_insufficient_permissions', 'Access denied - insufficient permission');
        if (kind === 'folder' && url.searchParams.get('recursive') !== 'true' && children(item.id).length > 0) {
          return fail(res, 400, 'folder_not_empty', 'Cannot delete – folder not empty');
        }
        item.trashed = true;
        res.writeHead(204);
        return void res.end();
      }
    }
    return fail(res, 404, 'not_found', 'Not Found');
  }

  function listItems(res: ServerResponse, url: URL, folderId: string): void {
    const folder = get('folder', folderId);
    if (!folder) return notFound(res);
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), maxLimit);
    if (!Number.isInteger(limit) || limit < 1) return fail(res, 400, 'bad_request', 'Invalid limit');
    const all = children(folderId);
    const listed = (i: Item) => shape(i, url, mini);
    if (url.searchParams.get('usemarker') === 'true') {
      const marker = url.searchParams.get('marker');
      let start = 0;
      if (marker) {
        const after = Buffer.from(marker, 'base64url').toString('utf8');
        const i = all.findIndex((c) => `${c.type}:${c.id}` === after);
        // The item the marker names may be gone: continue after its position in Box's order.
        start = i >= 0 ? i + 1 : all.findIndex((c) => `${c.type}:${c.id}` > after);
        if (start < 0) start = all.length;
      }
      const page = all.slice(start, start + limit);
      const last = page[page.length - 1];
      const more = start + limit < all.length;
      return sendJson(res, 200, {
        entries: page.map(listed),
        limit,
        next_marker: more && last ? Buffer.from(`${last.type}:${last.id}`).toString('base64url') : null,
        prev_marker: null,
      });
    }
    const offset = Number(url.searchParams.get('offset') ?? 0);
    return sendJson(res, 200, {
      total_count: all.length,
      entries: all.slice(offset, offset + limit).map(listed),
      offset,
      limit,
      order: [{ by: 'type', direction: 'ASC' }, { by: 'name', direction: 'ASC' }],
    });
  }

  function update(res: ServerResponse, url: URL, item: Item, input: Record<string, any> | undefined): void {
    if (!input) return fail(res, 400, 'bad_request', 'Invalid JSON');
    if (item.type === 'folder' && item.id === ROOT_ID) return fail(res, 403, 'access_denied_insufficient_permissions', 'Access denied - insufficient permission');
    const name: unknown = input.name ?? item.name;
    if (badName(name)) return fail(res, 400, 'item_name_invalid', 'Item name invalid');
    const parentId = input.parent?.id !== undefined ? String(input.parent.id) : item.parent!;
    const parent = get('folder', parentId);
    if (!parent) return notFound(res);
    if (item.type === 'folder' && (parent.id === item.id || isBelow(parent, item.id))) return fail(res, 400, 'bad_request', 'Cannot move a folder into itself');
    const conflict = taken(parent.id, name as string, item);
    if (conflict) return nameInUse(res, conflict);
    item.name = name as string;
    item.parent = parent.id;
    touch(item);
    sendJson(res, 200, shape(item, url));
  }

  function copyTree(item: Item, parentId: string, name: string): Item {
    const copy = create(item.type, name, parentId, item.content);
    if (item.type === 'folder') for (const child of children(item.id)) copyTree(child, copy.id, child.name);
    return copy;
  }

  function search(res: ServerResponse, url: URL): void {
    const query = url.searchParams.get('query');
    if (!query) return fail(res, 400, 'bad_request', 'Search query required');
    const ancestorIds = (url.searchParams.get('ancestor_folder_ids') ?? '').split(',').filter(Boolean);
    const type = url.searchParams.get('type');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 30), maxLimit);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const needle = query.toLowerCase();
    const found = [...items.folder.values(), ...items.file.values()]
      .filter((i) => i.id !== ROOT_ID || i.type !== 'folder')
      .filter((i) => live(i) && i.name.toLowerCase().includes(needle))
      .filter((i) => !type || i.type === type)
      .filter((i) => ancestorIds.length === 0 || ancestorIds.some((a) => isBelow(i, a)))
      .sort((a, b) => (a.type === b.type ? Number(a.id) - Number(b.id) : a.type === 'folder' ? -1 : 1));
    sendJson(res, 200, { type: 'search_results_items', total_count: found.length, limit, offset, entries: found.slice(offset, offset + limit).map((i) => shape(i, url)) });
  }

  function download(req: IncomingMessage, res: ServerResponse, token: string): void {
    const content = downloads.get(token);
    if (!content) {
      res.writeHead(404, { 'content-length': '0' });
      return void res.end();
    }
    const range = requestedRange(req.headers.range, content.length);
    if (range === 'invalid') {
      res.writeHead(416, { 'content-range': `bytes */${content.length}`, 'content-length': '0' });
      return void res.end();
    }
    if (!range) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(content.length), 'accept-ranges': 'bytes' });
      return void res.end(content);
    }
    const part = content.subarray(range.start, range.end + 1);
    res.writeHead(206, {
      'content-type': 'application/octet-stream',
      'content-length': String(part.length),
      'content-range': `bytes ${range.start}-${range.end}/${content.length}`,
    });
    res.end(part);
  }

  // ---- uploads (https://developer.box.com/reference/post-files-content/, …/chunked-uploads) ----

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL, path: string, body: () => Promise<Buffer>): Promise<void> {
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = /^\/files(?:\/(\d+))?\/content$/.exec(path))) return simpleUpload(req, res, url, m[1], await body());
    if (method === 'POST' && (m = /^\/files(?:\/(\d+))?\/upload_sessions$/.exec(path))) return openSession(res, m[1], await json(body));
    if ((m = /^\/files\/upload_sessions\/([0-9A-F]+)$/.exec(path))) {
      const session = sessions.get(m[1]);
      if (!session) return notFound(res);
      if (method === 'PUT') return uploadPart(req, res, session, await body());
      if (method === 'DELETE') {
        sessions.delete(session.id);
        res.writeHead(204);
        return void res.end();
      }
    }
    if (method === 'POST' && (m = /^\/files\/upload_sessions\/([0-9A-F]+)\/commit$/.exec(path))) {
      const session = sessions.get(m[1]);
      if (!session) return notFound(res);
      return commit(req, res, session, await json(body));
    }
    return fail(res, 404, 'not_found', 'Not Found');
  }

  function simpleUpload(req: IncomingMessage, res: ServerResponse, url: URL, fileId: string | undefined, raw: Buffer): void {
    const form = parseMultipart(req.headers['content-type'], raw);
    if (!form) return fail(res, 400, 'bad_request', 'Invalid multipart body');
    const names = form.map((p) => p.name);
    if (!names.includes('attributes') || !names.includes('file')) return fail(res, 400, 'bad_request', 'attributes and file are required');
    if (names.indexOf('attributes') > names.indexOf('file')) return fail(res, 400, 'metadata_after_file_contents', 'Metadata must come before the file contents');
    let attributes: Record<string, any>;
    try {
      attributes = JSON.parse(form.find((p) => p.name === 'attributes')!.data.toString('utf8'));
    } catch {
      return fail(res, 400, 'bad_request', 'Invalid attributes');
    }
    const content = form.find((p) => p.name === 'file')!.data;
    if (fileId !== undefined) {
      const file = get('file', fileId);
      if (!file) return notFound(res);
      const name = attributes.name ?? file.name;
      if (badName(name)) return fail(res, 400, 'item_name_invalid', 'Item name invalid');
      const conflict = taken(file.parent!, name, file);
      if (conflict) return nameInUse(res, conflict);
      file.name = name;
      newVersion(file, content);
      return sendJson(res, 201, { total_count: 1, entries: [shape(file, url)] });
    }
    const parent = get('folder', String(attributes.parent?.id ?? ''));
    if (!parent) return notFound(res);
    if (badName(attributes.name)) return fail(res, 400, 'item_name_invalid', 'Item name invalid');
    const conflict = taken(parent.id, attributes.name);
    if (conflict) return nameInUse(res, conflict);
    sendJson(res, 201, { total_count: 1, entries: [shape(create('file', attributes.name, parent.id, content), url)] });
  }

  function newVersion(file: Item, content: Buffer): void {
    setContent(file, content);
    file.version += 1;
    touch(file);
  }

  function openSession(res: ServerResponse, fileId: string | undefined, input: Record<string, any> | undefined): void {
    if (!input) return fail(res, 400, 'bad_request', 'Invalid JSON');
    const fileSize = input.file_size;
    if (fileSize === undefined) return fail(res, 400, 'missing_file_size', 'file_size was not provided');
    if (!Number.isInteger(fileSize) || fileSize < 0) return fail(res, 400, 'invalid_file_size', 'file_size was not a valid number');
    if (fileSize < minSessionSize) return fail(res, 400, 'file_size_too_small', 'file_size is below minimum file size for uploads via this API');
    let folderId: string;
    let fileName: string;
    let existing: Item | undefined;
    if (fileId !== undefined) {
      existing = get('file', fileId);
      if (!existing) return notFound(res);
      folderId = input.folder_id ?? existing.parent!;
      fileName = input.file_name ?? existing.name;
    } else {
      if (input.folder_id === undefined) return fail(res, 400, 'missing_destination', 'No folder_id was provided');
      if (input.file_name === undefined) return fail(res, 400, 'missing_file_name', 'file_name was not provided');
      folderId = String(input.folder_id);
      fileName = input.file_name;
    }
    if (!get('folder', folderId)) return fail(res, 404, 'not_found', 'Not Found');
    if (badName(fileName)) return fail(res, 400, 'item_name_invalid', 'file_name is not valid');
    // Creating a session is also the preflight check.
    const conflict = taken(folderId, fileName, existing);
    if (conflict) return nameInUse(res, conflict);
    const session: Session = { id: randomBytes(16).toString('hex').toUpperCase(), fileSize, folderId, fileName, fileId, parts: new Map() };
    sessions.set(session.id, session);
    const at = `${baseUrl}/api/2.0/files/upload_sessions/${session.id}`;
    sendJson(res, 201, {
      id: session.id,
      type: 'upload_session',
      session_expires_at: new Date(Date.now() + 7 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '-00:00'),
      part_size: partSize,
      total_parts: Math.ceil(fileSize / partSize),
      num_parts_processed: 0,
      session_endpoints: { upload_part: at, commit: `${at}/commit`, abort: at, list_parts: `${at}/parts`, status: at, log_event: `${at}/log` },
    });
  }

  /** PUT …/upload_sessions/{id}: every part exactly part_size at a multiple of it (the last shorter), with its SHA-1 (https://developer.box.com/reference/put-files-upload-sessions-id/). */
  function uploadPart(req: IncomingMessage, res: ServerResponse, session: Session, data: Buffer): void {
    const digest = /^sha=(.+)$/.exec(String(req.headers.digest ?? ''))?.[1];
    if (!digest) return fail(res, 400, 'bad_request', 'Missing Digest header');
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
    if (!range) return fail(res, 400, 'bad_request', 'Missing or invalid Content-Range header');
    const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const expected = Math.min(partSize, session.fileSize - start);
    if (total !== session.fileSize || start % partSize !== 0 || end < start || end - start + 1 !== expected) {
      return fail(res, 416, 'range_mismatch', 'The content range does not match a part of this session');
    }
    if (data.length !== end - start + 1) return fail(res, 400, 'bad_request', 'The body length does not match Content-Range');
    const sha1 = createHash('sha1').update(data);
    if (sha1.copy().digest('base64') !== digest) return fail(res, 412, 'sha1_mismatch', 'The digest does not match the uploaded part');
    const hex = sha1.digest('hex');
    const existing = session.parts.get(start);
    if (existing && existing.sha1 !== hex) return fail(res, 409, 'range_overlap', 'The part conflicts with a part uploaded before');
    const part = existing ?? { part_id: randomBytes(4).toString('hex').toUpperCase(), offset: start, size: data.length, sha1: hex, data };
    session.parts.set(start, part);
    sendJson(res, 200, { part: { part_id: part.part_id, offset: part.offset, size: part.size, sha1: part.sha1 } });
  }

  function commit(req: IncomingMessage, res: ServerResponse, session: Session, input: Record<string, any> | undefined): void {
    const digest = /^sha=(.+)$/.exec(String(req.headers.digest ?? ''))?.[1];
    if (!digest) return fail(res, 400, 'bad_request', 'Missing Digest header');
    if (!input || !Array.isArray(input.parts)) return fail(res, 400, 'bad_request', 'parts are required');
    if (pendingCommits.times > 0) {
      pendingCommits.times -= 1;
      res.writeHead(202, { 'retry-after': String(pendingCommits.retryAfter), 'content-length': '0' });
      return void res.end();
    }
    let next = 0;
    const chunks: Buffer[] = [];
    for (const listed of input.parts as { part_id?: string; offset?: number; size?: number }[]) {
      const part = session.parts.get(Number(listed.offset));
      if (!part || part.part_id !== listed.part_id || part.size !== listed.size || part.offset !== next) {
        return fail(res, 400, 'invalid_parts', 'The parts do not match the parts uploaded, in order');
      }
      chunks.push(part.data);
      next += part.size;
    }
    if (next !== session.fileSize) return fail(res, 400, 'invalid_parts', 'The parts do not cover the file');
    const content = Buffer.concat(chunks);
    if (createHash('sha1').update(content).digest('base64') !== digest) return fail(res, 412, 'sha1_mismatch', 'The digest does not match the file');
    const folder = get('folder', session.folderId);
    if (!folder) return notFound(res);
    const existing = session.fileId === undefined ? undefined : get('file', session.fileId);
    if (session.fileId !== undefined && !existing) return notFound(res);
    const conflict = taken(folder.id, session.fileName, existing);
    if (conflict) return nameInUse(res, conflict);
    let file: Item;
    if (existing) {
      existing.name = session.fileName;
      existing.parent = folder.id;
      newVersion(existing, content);
      file = existing;
    } else {
      file = create('file', session.fileName, folder.id, content);
    }
    sessions.delete(session.id);
    sendJson(res, 201, { total_count: 1, entries: [full(file)] });
  }

  const service = await startFakeService({
    tokens: options.tokens,
    // Box answers a missing, invalid or expired token with 401, an empty body and this header.
    unauthorized: (res) => {
      res.writeHead(401, {
        'www-authenticate': 'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."',
        'content-length': '0',
      });
      res.end();
    },
    anonymousPaths: (path) => path.startsWith('/dl/'),
    handler: async (req, res, url, body) => {
      const path = url.pathname;
      if (path.startsWith('/dl/')) return download(req, res, path.slice('/dl/'.length));
      if (path.startsWith('/api/2.0/')) return upload(req, res, url, path.slice('/api/2.0'.length), body);
      if (path.startsWith('/2.0/')) return api(req, res, url, path.slice('/2.0'.length), body);
      return fail(res, 404, 'not_found', 'Not Found');
    },
  });
  baseUrl = service.url;
  return Object.assign(service, {
    config: { apiUrl: `${service.url}/2.0`, uploadUrl: `${service.url}/api/2.0`, downloadHosts: [new URL(service.url).host] },
    content: (fileId: string) => get('file', fileId)?.content,
    commitPending: (times: number, retryAfterS = 1) => void (pendingCommits = { times, retryAfter: retryAfterS }),
    openSessions: () => sessions.size,
  });
}

/** multipart/form-data → its parts, in order; undefined when it is not well formed. */
function parseMultipart(contentType: string | undefined, body: Buffer): { name: string; data: Buffer }[] | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!boundary || !/^multipart\/form-data/i.test(contentType ?? '')) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: { name: string; data: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd);
    if (headerEnd < 0 || next < 0) return undefined;
    const headers = body.subarray(at, headerEnd).toString('utf8');
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) return undefined;
    parts.push({ name, data: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
}
