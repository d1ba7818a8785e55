import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentHash } from '../../src/connectors/dropbox/dropbox.mapper';
import { FakeTokens, requestedRange, sendJson, startFakeService, type FakeService } from './fake-service';

/**
 * An in-memory Dropbox API v2, for the endpoints DropboxConnector uses, after
 * the published reference (https://www.dropbox.com/developers/documentation/http/documentation):
 * RPC endpoints take JSON bodies; content endpoints take their argument as
 * JSON in the Dropbox-API-Arg header (ASCII only) and return metadata in
 * Dropbox-API-Result; endpoint errors are 409 `{ error_summary, error }`.
 * Both hosts (api. and content.) are this one server. A fake, not Dropbox:
 * search matches word prefixes of names only, and there are no shared
 * folders, revisions or team spaces.
 */
export interface DropboxFakeNode {
  id: string;
  name: string;
  /** The parent's id; '' for children of the root. */
  parent: string;
  kind: 'file' | 'folder';
  content: Buffer;
  rev: string;
  serverModified: string;
  clientModified: string;
}

interface UploadSession {
  /** Sequential: the bytes so far, in order. */
  chunks: Buffer[];
  length: number;
  closed: boolean;
  concurrent: boolean;
  /** Concurrent: pieces by offset, and the size the closing append set. */
  pieces: Map<number, Buffer>;
  total?: number;
}

export interface DropboxFake extends FakeService {
  /** Every file and folder, by id. */
  readonly nodes: Map<string, DropboxFakeNode>;
  /** Upload sessions by id (finished ones are removed). */
  readonly sessions: Map<string, UploadSession>;
  /** The node at a display path such as '/a/b.txt' (case-insensitive), if any. */
  byPath(path: string): DropboxFakeNode | undefined;
  /** The next call of `endpoint` (e.g. 'files/upload_session/append_v2') is carried out, but its answer is lost: a 503 goes back instead. */
  loseNextAnswer(endpoint: string): void;
  /** Makes the next request answer 429 with Retry-After, as Dropbox's rate limiter does. */
  rateLimit(retryAfterS: number, reason?: 'too_many_requests' | 'too_many_write_operations'): void;
}

export interface DropboxFakeOptions {
  tokens?: FakeTokens;
  /** list_folder's page size when the request gives no `limit`. Small so tests page. */
  defaultLimit?: number;
}

const MAX_REQUEST = 150 * 1024 * 1024;
const CONCURRENT_CHUNK = 4 * 1024 * 1024;

/** A 409 endpoint error, as Dropbox sends them. */
class EndpointError extends Error {
  constructor(readonly summary: string, readonly error: unknown) {
    super(summary);
  }
}
/** A 400: the request does not follow the API's schema (Dropbox answers plain text). */
class BadInput extends Error {}

const lookupError = (outer: string, tag: string) => new EndpointError(`${outer}/${tag}/`, { '.tag': outer, [outer]: { '.tag': tag } });
const conflictError = (outer: string, kind: 'file' | 'folder') =>
  new EndpointError(`${outer}/conflict/${kind}/`, { '.tag': outer, [outer]: { '.tag': 'conflict', conflict: { '.tag': kind } } });

export async function startDropboxFake(options: DropboxFakeOptions = {}): Promise<DropboxFake> {
  const nodes = new Map<string, DropboxFakeNode>();
  const sessions = new Map<string, UploadSession>();
  const defaultLimit = options.defaultLimit ?? 5;
  let revCounter = 0;

  const newId = () => `id:${randomBytes(9).toString('base64url')}`;
  const nextRev = () => (++revCounter).toString(16).padStart(9, '0') + randomBytes(3).toString('hex');
  const now = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

  const childrenOf = (parent: string) => [...nodes.values()].filter((n) => n.parent === parent);
  const childNamed = (parent: string, name: string) => childrenOf(parent).find((n) => n.name.toLowerCase() === name.toLowerCase());
  const displayPath = (node: DropboxFakeNode): string => (node.parent === '' ? '' : displayPath(nodes.get(node.parent)!)) + '/' + node.name;
  const isBelow = (id: string, ancestor: string): boolean => {
    for (let cur = nodes.get(id); cur; cur = nodes.get(cur.parent)) if (cur.id === ancestor) return true;
    return false;
  };

  function metadata(node: DropboxFakeNode, tagged: boolean): Record<string, unknown> {
    const path = displayPath(node);
    const common = { name: node.name, path_lower: path.toLowerCase(), path_display: path, id: node.id };
    const meta: Record<string, unknown> =
      node.kind === 'folder'
        ? { ...common }
        : {
            ...common,
            client_modified: node.clientModified,
            server_modified: node.serverModified,
            rev: node.rev,
            size: node.content.length,
            is_downloadable: true,
            content_hash: contentHash(node.content),
          };
    return tagged ? { '.tag': node.kind, ...meta } : meta;
  }

  function checkPath(value: unknown, field = 'path'): string {
    if (typeof value !== 'string') throw new BadInput(`${field}: expected a string`);
    if (value !== '' && !value.startsWith('/') && !value.startsWith('id:')) throw new BadInput(`${field}: '${value}' did not match pattern '(/(.|[\\r\\n])*)?|id:.*'`);
    return value;
  }

  /** The node a path names: null for the root, undefined when missing. */
  function resolve(path: string): DropboxFakeNode | null | undefined {
    if (path === '') return null;
    if (path.startsWith('id:')) return nodes.get(path);
    const segments = path.split('/').slice(1);
    let parent = '';
    let node: DropboxFakeNode | undefined;
    for (const segment of segments) {
      if (segment === '') throw lookupError('path', 'malformed_path');
      node = childNamed(parent, segment);
      if (!node) return undefined;
      parent = node.id;
    }
    return node;
  }

  /** Splits a target path into (parent folder id, name), creating missing parent folders as Dropbox does. */
  function target(path: string, outer: string): { parent: string; name: string } {
    if (path === '' || path.startsWith('id:')) throw lookupError(outer, 'malformed_path');
    const segments = path.split('/').slice(1);
    if (segments.some((s) => s === '' || s === '.' || s === '..')) throw lookupError(outer, 'malformed_path');
    let parent = '';
    for (const segment of segments.slice(0, -1)) {
      let node = childNamed(parent, segment);
      if (!node) node = add({ name: segment, parent, kind: 'folder' });
      if (node.kind !== 'folder') throw new EndpointError(`${outer}/conflict/file/`, { '.tag': outer, [outer]: { '.tag': 'conflict', conflict: { '.tag': 'file' } } });
      parent = node.id;
    }
    return { parent, name: segments[segments.length - 1] };
  }

  function add(fields: { name: string; parent: string; kind: 'file' | 'folder'; content?: Buffer }): DropboxFakeNode {
    const time = now();
    const node: DropboxFakeNode = { id: newId(), content: Buffer.alloc(0), rev: nextRev(), serverModified: time, clientModified: time, ...fields };
    nodes.set(node.id, node);
    return node;
  }

  function existing(path: unknown, outer: string, field = 'path'): DropboxFakeNode {
    const node = resolve(checkPath(path, field));
    if (node === null) throw lookupError(outer, 'not_found');
    if (!node) throw lookupError(outer, 'not_found');
    return node;
  }

  function folderOf(path: unknown, outer = 'path'): string {
    const node = resolve(checkPath(path));
    if (node === undefined) throw lookupError(outer, 'not_found');
    if (node && node.kind !== 'folder') throw lookupError(outer, 'not_folder');
    return node?.id ?? '';
  }

  /** Stores an upload at `path` following `mode` (files/upload and upload_session/finish). */
  function commit(commitArg: Record<string, unknown>, data: Buffer, outer: string): DropboxFakeNode {
    const path = checkPath(commitArg.path);
    const mode = typeof commitArg.mode === 'object' && commitArg.mode ? (commitArg.mode as Record<string, unknown>)['.tag'] : (commitArg.mode ?? 'add');
    if (mode !== 'add' && mode !== 'overwrite') throw new BadInput(`mode: unsupported by this fake (${String(mode)})`);
    if (commitArg.autorename === true) throw new BadInput('autorename: unsupported by this fake');
    const { parent, name } = target(path, outer);
    const there = childNamed(parent, name);
    if (there?.kind === 'folder') throw conflictErrorWithReason(outer, 'folder');
    if (there && mode === 'add') throw conflictErrorWithReason(outer, 'file');
    const time = now();
    if (there) {
      Object.assign(there, { content: data, rev: nextRev(), serverModified: time, clientModified: time });
      return there;
    }
    return add({ name, parent, kind: 'file', content: data });
  }
  // UploadError wraps the write failure as { ".tag": "path", "path": { "reason": WriteError, "upload_session_id": ... } }.
  const conflictErrorWithReason = (outer: string, kind: 'file' | 'folder') =>
    new EndpointError(`${outer}/conflict/${kind}/`, { '.tag': outer, [outer]: { reason: { '.tag': 'conflict', conflict: { '.tag': kind } }, upload_session_id: null } });

  function copyTree(node: DropboxFakeNode, parent: string, name: string): DropboxFakeNode {
    const copy = add({ name, parent, kind: node.kind, content: Buffer.from(node.content) });
    for (const child of childrenOf(node.id)) copyTree(child, copy.id, child.name);
    return copy;
  }

  function removeTree(node: DropboxFakeNode): void {
    for (const child of childrenOf(node.id)) removeTree(child);
    nodes.delete(node.id);
  }

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const decode = (cursor: unknown): Record<string, unknown> => {
    if (typeof cursor !== 'string' || cursor === '') throw new BadInput('cursor: expected a non-empty string');
    try {
      return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new BadInput('cursor: invalid');
    }
  };
  const byLowerName = (a: DropboxFakeNode, b: DropboxFakeNode) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0);

  function listPage(folder: string, after: string | null, limit: number) {
    const all = childrenOf(folder).sort(byLowerName);
    const rest = after === null ? all : all.filter((n) => n.name.toLowerCase() > after);
    const page = rest.slice(0, limit);
    const last = page.length ? page[page.length - 1].name.toLowerCase() : after;
    return { entries: page.map((n) => metadata(n, true)), cursor: encode({ folder, after: last, limit }), has_more: rest.length > limit };
  }

  /** Each word of the query is a prefix of a word of the name (Dropbox's filename search, roughly). */
  const matches = (name: string, query: string) => {
    const words = name.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const terms = query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    return terms.length > 0 && terms.every((t) => words.some((w) => w.startsWith(t)));
  };

  function searchPage(folder: string, query: string, offset: number, max: number) {
    const found = [...nodes.values()].filter((n) => (folder === '' || (n.id !== folder && isBelow(n.id, folder))) && matches(n.name, query));
    found.sort((a, b) => (displayPath(a).toLowerCase() < displayPath(b).toLowerCase() ? -1 : 1));
    const page = found.slice(offset, offset + max);
    const hasMore = found.length > offset + max;
    const result: Record<string, unknown> = {
      matches: page.map((n) => ({ match_type: { '.tag': 'filename' }, metadata: { '.tag': 'metadata', metadata: metadata(n, true) } })),
      has_more: hasMore,
    };
    if (hasMore) result.cursor = encode({ folder, query, offset: offset + max, max });
    return result;
  }

  function session(cursor: unknown): { id: string; s: UploadSession; offset: number } {
    const c = (cursor ?? {}) as { session_id?: unknown; offset?: unknown };
    if (typeof c.session_id !== 'string' || typeof c.offset !== 'number') throw new BadInput('cursor: expected session_id and offset');
    const s = sessions.get(c.session_id);
    if (!s) throw new EndpointError('not_found/', { '.tag': 'not_found' });
    return { id: c.session_id, s, offset: c.offset };
  }

  /**
   * A concurrent session's append: offsets and lengths in multiples of 4 MiB,
   * except the closing append's length ("pieces of data can be uploaded in
   * concurrent RPCs in any order", so pieces may still come after it, below its end).
   */
  function appendPiece(s: UploadSession, offset: number, data: Buffer, close: boolean): void {
    if (offset % CONCURRENT_CHUNK !== 0) throw new EndpointError('concurrent_session_invalid_offset/', { '.tag': 'concurrent_session_invalid_offset' });
    if (!close && data.length % CONCURRENT_CHUNK !== 0) throw new EndpointError('concurrent_session_invalid_data_size/', { '.tag': 'concurrent_session_invalid_data_size' });
    const end = offset + data.length;
    if (s.total !== undefined && (end > s.total || (close && end !== s.total))) throw new EndpointError('closed/', { '.tag': 'closed' });
    s.pieces.set(offset, data);
    if (close) s.total = offset + data.length;
  }

  /** The bytes of a closed concurrent session, or concurrent_session_missing_data. */
  function assemble(s: UploadSession): Buffer {
    const parts: Buffer[] = [];
    let at = 0;
    while (at < s.total!) {
      const piece = s.pieces.get(at);
      if (!piece || piece.length === 0) throw new EndpointError('concurrent_session_missing_data/', { '.tag': 'concurrent_session_missing_data' });
      parts.push(piece);
      at += piece.length;
    }
    if (at !== s.total) throw new EndpointError('concurrent_session_missing_data/', { '.tag': 'concurrent_session_missing_data' });
    return Buffer.concat(parts);
  }

  type Rpc = (arg: Record<string, unknown>) => unknown;
  const rpc: Record<string, Rpc> = {
    'files/list_folder': (arg) => {
      if (arg.recursive === true) throw new BadInput('recursive: unsupported by this fake');
      const limit = arg.limit === undefined ? defaultLimit : Number(arg.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 2000) throw new BadInput('limit: must be between 1 and 2000');
      return listPage(folderOf(arg.path), null, limit);
    },
    'files/list_folder/continue': (arg) => {
      const c = decode(arg.cursor);
      const folder = String(c.folder);
      if (folder !== '' && nodes.get(folder)?.kind !== 'folder') throw lookupError('path', 'not_found');
      return listPage(folder, (c.after as string | null) ?? null, Number(c.limit));
    },
    'files/get_metadata': (arg) => {
      if (arg.path === '') throw new BadInput('path: The root folder is unsupported.');
      return metadata(existing(arg.path, 'path'), true);
    },
    'files/create_folder_v2': (arg) => {
      const { parent, name } = target(checkPath(arg.path), 'path');
      const there = childNamed(parent, name);
      if (there) throw conflictError('path', there.kind);
      return { metadata: metadata(add({ name, parent, kind: 'folder' }), false) };
    },
    'files/move_v2': (arg) => {
      const node = existing(arg.from_path, 'from_lookup', 'from_path');
      const { parent, name } = target(checkPath(arg.to_path, 'to_path'), 'to');
      if (node.kind === 'folder' && (parent === node.id || isBelow(parent, node.id))) throw new EndpointError('cant_move_folder_into_itself/', { '.tag': 'cant_move_folder_into_itself' });
      const there = childNamed(parent, name);
      if (there && there.id !== node.id) throw conflictError('to', there.kind);
      if (there?.id === node.id && node.name === name) throw new EndpointError('duplicated_or_nested_paths/', { '.tag': 'duplicated_or_nested_paths' });
      node.parent = parent;
      node.name = name;
      return { metadata: metadata(node, true) };
    },
    'files/copy_v2': (arg) => {
      const node = existing(arg.from_path, 'from_lookup', 'from_path');
      const { parent, name } = target(checkPath(arg.to_path, 'to_path'), 'to');
      if (node.kind === 'folder' && (parent === node.id || isBelow(parent, node.id))) throw new EndpointError('cant_copy_folder_into_itself/', { '.tag': 'cant_move_folder_into_itself' });
      const there = childNamed(parent, name);
      if (there) throw conflictError('to', there.kind);
      return { metadata: metadata(copyTree(node, parent, name), true) };
    },
    'files/delete_v2': (arg) => {
      const node = existing(arg.path, 'path_lookup');
      const meta = metadata(node, true);
      removeTree(node);
      return { metadata: meta };
    },
    'files/search_v2': (arg) => {
      const opts = (arg.options ?? {}) as Record<string, unknown>;
      if (typeof arg.query !== 'string' || arg.query === '') throw new BadInput('query: expected a non-empty string');
      const max = opts.max_results === undefined ? 100 : Number(opts.max_results);
      if (!Number.isInteger(max) || max < 1 || max > 1000) throw new BadInput('max_results: must be between 1 and 1000');
      const folder = opts.path === undefined ? '' : folderOf(opts.path);
      return searchPage(folder, arg.query, 0, max);
    },
    'files/search/continue_v2': (arg) => {
      const c = decode(arg.cursor);
      return searchPage(String(c.folder), String(c.query), Number(c.offset), Number(c.max));
    },
  };

  type Content = (arg: Record<string, unknown>, data: Buffer, req: IncomingMessage, res: ServerResponse) => unknown;
  const content: Record<string, Content> = {
    'files/download': (arg, _data, req, res) => {
      const node = existing(arg.path, 'path');
      if (node.kind !== 'file') throw lookupError('path', 'not_file');
      const size = node.content.length;
      const range = requestedRange(req.headers.range, size);
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'dropbox-api-result': headerSafe(metadata(node, false)) };
      if (range === 'invalid') {
        res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` });
        res.end();
        return undefined;
      }
      const slice = range ? node.content.subarray(range.start, range.end + 1) : node.content;
      if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
      res.writeHead(range ? 206 : 200, { ...headers, 'content-length': String(slice.length) });
      res.end(slice);
      return undefined;
    },
    'files/upload': (arg, data) => {
      if (data.length > MAX_REQUEST) throw new EndpointError('payload_too_large/', { '.tag': 'payload_too_large' });
      return metadata(commit(arg, data, 'path'), false);
    },
    'files/upload_session/start': (arg, data) => {
      const concurrent = (arg.session_type as { '.tag'?: string } | string | undefined) === 'concurrent' || (arg.session_type as { '.tag'?: string })?.['.tag'] === 'concurrent';
      if (concurrent && data.length > 0) throw new EndpointError('concurrent_session_data_not_allowed/', { '.tag': 'concurrent_session_data_not_allowed' });
      if (concurrent && arg.close === true) throw new EndpointError('concurrent_session_close_not_allowed/', { '.tag': 'concurrent_session_close_not_allowed' });
      const id = randomBytes(12).toString('hex');
      sessions.set(id, { chunks: [data], length: data.length, closed: arg.close === true, concurrent, pieces: new Map() });
      return { session_id: id };
    },
    'files/upload_session/append_v2': (arg, data) => {
      const { s, offset } = session(arg.cursor);
      if (data.length > MAX_REQUEST) throw new EndpointError('payload_too_large/', { '.tag': 'payload_too_large' });
      if (s.concurrent) {
        appendPiece(s, offset, data, arg.close === true);
        return null;
      }
      if (s.closed) throw new EndpointError('closed/', { '.tag': 'closed' });
      if (offset !== s.length) throw new EndpointError('incorrect_offset/', { '.tag': 'incorrect_offset', correct_offset: s.length });
      s.chunks.push(data);
      s.length += data.length;
      if (arg.close === true) s.closed = true;
      return null;
    },
    'files/upload_session/finish': (arg, data) => {
      const { id, s, offset } = session(arg.cursor);
      const lookupFailed = (error: Record<string, unknown>) => new EndpointError(`lookup_failed/${String(error['.tag'])}/`, { '.tag': 'lookup_failed', lookup_failed: error });
      let whole: Buffer;
      if (s.concurrent) {
        if (data.length > 0) throw new EndpointError('concurrent_session_data_not_allowed/', { '.tag': 'concurrent_session_data_not_allowed' });
        if (s.total === undefined) throw new EndpointError('concurrent_session_not_closed/', { '.tag': 'concurrent_session_not_closed' });
        if (offset !== s.total) throw lookupFailed({ '.tag': 'incorrect_offset', correct_offset: s.total });
        whole = assemble(s);
      } else {
        if (offset !== s.length) throw lookupFailed({ '.tag': 'incorrect_offset', correct_offset: s.length });
        if (s.closed && data.length > 0) throw lookupFailed({ '.tag': 'closed' });
        whole = Buffer.concat([...s.chunks, data]);
      }
      const file = commit((arg.commit ?? {}) as Record<string, unknown>, whole, 'path');
      sessions.delete(id);
      return metadata(file, false);
    },
  };

  const lostAnswers: string[] = [];
  const handler = async (req: IncomingMessage, realRes: ServerResponse, url: URL, body: () => Promise<Buffer>) => {
    const endpoint = url.pathname.replace(/^\/2\//, '');
    const lost = lostAnswers.indexOf(endpoint);
    if (lost >= 0) lostAnswers.splice(lost, 1);
    const res = lost >= 0 ? answerLost(realRes) : realRes;
    try {
      if (req.method !== 'POST' || !url.pathname.startsWith('/2/')) throw new NotFound();
      if (rpc[endpoint]) {
        if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new BadInput(`Bad HTTP "Content-Type" header: "${req.headers['content-type'] ?? ''}". Expecting "application/json".`);
        const text = (await body()).toString('utf8');
        let arg: unknown;
        try {
          arg = text === '' || text === 'null' ? {} : JSON.parse(text);
        } catch {
          throw new BadInput('could not decode input as JSON');
        }
        const result = rpc[endpoint](arg as Record<string, unknown>);
        sendJson(res, 200, result);
        return;
      }
      if (content[endpoint]) {
        const header = req.headers['dropbox-api-arg'];
        if (typeof header !== 'string') throw new BadInput('Missing Dropbox-API-Arg header');
        if (/[^\x20-\x7e]/.test(header)) throw new BadInput('Dropbox-API-Arg header must be HTTP header-safe: escape non-ASCII characters as \\uXXXX');
        let arg: Record<string, unknown>;
        try {
          arg = JSON.parse(header) as Record<string, unknown>;
        } catch {
          throw new BadInput('could not decode Dropbox-API-Arg as JSON');
        }
        const upload = endpoint !== 'files/download';
        if (upload && req.headers['content-type'] !== 'application/octet-stream') throw new BadInput(`Bad HTTP "Content-Type" header: "${req.headers['content-type'] ?? ''}". Expecting "application/octet-stream".`);
        const data = await body();
        const result = content[endpoint](arg, data, req, res);
        if (!res.headersSent) sendJson(res, 200, result);
        return;
      }
      throw new NotFound();
    } catch (err) {
      if (err instanceof EndpointError) {
        sendJson(res, 409, { error_summary: `${err.summary}..${randomBytes(2).toString('hex')}`, error: err.error });
      } else if (err instanceof BadInput) {
        req.resume();
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`Error in call to API function "${endpoint}": ${err.message}`);
      } else if (err instanceof NotFound) {
        req.resume();
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Unknown API function');
      } else {
        throw err;
      }
    }
  };

  const service = await startFakeService({
    tokens: options.tokens,
    handler,
    unauthorized: (res) => sendJson(res, 401, { error_summary: 'expired_access_token/..', error: { '.tag': 'expired_access_token' } }),
  });

  return Object.assign(service, {
    nodes,
    sessions,
    byPath: (path: string) => resolve(path) ?? undefined,
    loseNextAnswer: (endpoint: string) => void lostAnswers.push(endpoint),
    rateLimit: (retryAfterS: number, reason: 'too_many_requests' | 'too_many_write_operations' = 'too_many_requests') =>
      service.inject({
        status: 429,
        headers: { 'retry-after': String(retryAfterS) },
        body: JSON.stringify({ error_summary: `${reason}/..`, error: { reason: { '.tag': reason }, retry_after: retryAfterS } }),
      }),
  });
}

class NotFound extends Error {}

/** A response whose real answer is dropped and replaced by a 503 (the work is done, the client never hears). */
function answerLost(res: ServerResponse): ServerResponse {
  let sent = false;
  const fail = () => {
    if (sent) return;
    sent = true;
    sendJson(res, 503, { error: 'injected lost answer' });
  };
  return new Proxy(res, {
    get(target, prop) {
      if (prop === 'writeHead') return () => undefined;
      if (prop === 'end') return () => fail();
      if (prop === 'write') return () => true;
      if (prop === 'headersSent') return sent;
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** JSON as Dropbox puts it in a header: non-ASCII escaped. */
function headerSafe(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
