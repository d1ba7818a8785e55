import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { quickXorHash } from '../../src/connectors/onedrive/quickxor';
import { FakeTokens, requestedRange, sendJson, startFakeService, type FakeService } from './fake-service';

/**
 * An in-memory OneDrive behind Microsoft Graph v1.0 (`/v1.0/me/drive`), for
 * the endpoints our connector uses, after the OneDrive API reference
 * (github.com/OneDrive/onedrive-api-docs, learn.microsoft.com/graph/api):
 * driveitem_get, driveitem_list_children (`$top`, `@odata.nextLink`),
 * path addressing relative to an item (`/items/{id}:/{name}:`),
 * driveitem_get_content (302 to a pre-authenticated URL that honours Range),
 * driveitem_put_content (simple upload, ≤ 4 MiB), driveitem_createuploadsession
 * (fragments in order, multiples of 320 KiB, no Authorization header),
 * driveitem_post_children (create folder), driveitem_update / driveitem_move,
 * driveitem_delete, driveitem_copy with its monitor URL (long-running
 * actions), driveitem_search; errors as in concepts/errors.md.
 * Names are unique per folder ignoring case, as on OneDrive. A fake, not the
 * service: what it does not implement, it refuses.
 */
export interface OnedriveFakeOptions {
  tokens?: FakeTokens;
  /** Page size when `$top` is absent; small so listings page. */
  defaultPageSize?: number;
  /** The largest `$top` honoured. */
  maxPageSize?: number;
  /** How many polls of a copy's monitor URL answer "inProgress" before the copy is made. */
  copyPolls?: number;
}

interface Node {
  id: string;
  name: string;
  parentId: string | null;
  folder: boolean;
  content: Buffer;
  hashes?: { quickXorHash: string; sha1Hash: string; sha256Hash: string };
  mimeType?: string;
  created: string;
  modified: string;
  version: number;
}

interface UploadSession {
  parentId: string;
  name: string;
  conflict: Conflict;
  total?: number;
  received: Buffer[];
  next: number;
  expires: string;
}

interface CopyJob {
  sourceId: string;
  parentId: string;
  name: string;
  polls: number;
  resourceId?: string;
  error?: string;
}

/** One fragment PUT to an upload URL, as the fake saw it. */
export interface FragmentLog {
  session: string;
  contentRange: string | undefined;
  length: number;
  /** -1 when the answer was lost on purpose. */
  status: number;
  authorization: boolean;
}

export type OnedriveFake = FakeService & {
  /** What the connector's config takes to talk to this fake. */
  readonly config: { apiUrl: string };
  readonly driveId: string;
  readonly rootId: string;
  readonly fragments: FragmentLog[];
  /** Open upload sessions. */
  sessionCount(): number;
  node(id: string): { id: string; name: string; parentId: string | null; folder: boolean; content: Buffer } | undefined;
  /** The next `times` fragments that are not the last are stored, but their answer is lost (the connection drops). */
  loseFragmentAnswers(times: number): void;
  /** Seeds a file (bypassing the API). */
  addFile(parentId: string, name: string, content: Buffer | string): string;
};

type Conflict = 'fail' | 'replace' | 'rename';

const PREFIX = '/v1.0/me/drive';
const MAX_SIMPLE_UPLOAD = 4 * 1024 * 1024;
const FRAGMENT_UNIT = 320 * 1024;
const MAX_FRAGMENT = 60 * 1024 * 1024;
/** Characters OneDrive refuses in names. */
const INVALID_NAME = /["*:<>?/\\|\0]/;

class GraphError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly inner?: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export async function startOnedriveFake(options: OnedriveFakeOptions = {}): Promise<OnedriveFake> {
  const driveId = randomBytes(8).toString('hex').toUpperCase();
  let counter = 100;
  const newId = () => `${driveId}!${++counter}`;
  const now = () => new Date().toISOString();
  const nodes = new Map<string, Node>();
  const sessions = new Map<string, UploadSession>();
  const downloads = new Map<string, string>();
  const jobs = new Map<string, CopyJob>();
  const fragments: FragmentLog[] = [];
  const defaultPageSize = options.defaultPageSize ?? 5;
  const maxPageSize = options.maxPageSize ?? 200;
  const copyPolls = options.copyPolls ?? 1;
  let lostAnswers = 0;

  const rootId = newId();
  nodes.set(rootId, { id: rootId, name: 'root', parentId: null, folder: true, content: Buffer.alloc(0), created: now(), modified: now(), version: 1 });

  let base = '';

  // --- the tree ---

  const get = (id: string): Node => {
    const node = nodes.get(id === 'root' ? rootId : id);
    if (!node) throw new GraphError(404, 'itemNotFound', 'Item does not exist');
    return node;
  };
  const children = (id: string) => [...nodes.values()].filter((n) => n.parentId === id).sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id.localeCompare(b.id));
  const childNamed = (parentId: string, name: string) => [...nodes.values()].find((n) => n.parentId === parentId && n.name.toLowerCase() === name.toLowerCase());
  const isBelow = (id: string, ancestor: string): boolean => {
    for (let n = nodes.get(id); n; n = n.parentId ? nodes.get(n.parentId) : undefined) if (n.id === ancestor) return true;
    return false;
  };
  const pathOf = (id: string): string => {
    const names: string[] = [];
    for (let n = nodes.get(id); n && n.parentId; n = nodes.get(n.parentId)) names.unshift(encodeURIComponent(n.name));
    return `/drive/root:${names.length ? `/${names.join('/')}` : ''}`;
  };
  const folderSize = (id: string): number => children(id).reduce((sum, n) => sum + (n.folder ? folderSize(n.id) : n.content.length), 0);
  const checkName = (name: unknown): string => {
    if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || INVALID_NAME.test(name) || name.length > 255) {
      throw new GraphError(400, 'invalidRequest', 'The provided name is not valid.', 'invalidPath');
    }
    return name;
  };
  const folderNode = (id: string): Node => {
    const node = get(id);
    if (!node.folder) throw new GraphError(400, 'invalidRequest', 'The parent item is not a folder.');
    return node;
  };
  const setContent = (node: Node, content: Buffer, mimeType?: string) => {
    node.content = content;
    node.hashes = {
      quickXorHash: quickXorHash(content),
      sha1Hash: createHash('sha1').update(content).digest('hex').toUpperCase(),
      sha256Hash: createHash('sha256').update(content).digest('hex').toUpperCase(),
    };
    if (mimeType) node.mimeType = mimeType;
    node.modified = now();
    node.version += 1;
  };
  const createFile = (parentId: string, name: string, content: Buffer, mimeType?: string): Node => {
    const node: Node = { id: newId(), name, parentId, folder: false, content, created: now(), modified: now(), version: 0 };
    setContent(node, content, mimeType ?? guessMime(name));
    nodes.set(node.id, node);
    return node;
  };
  const remove = (id: string) => {
    for (const child of children(id)) remove(child.id);
    nodes.delete(id);
  };
  const deepCopy = (source: Node, parentId: string, name: string): Node => {
    const copy: Node = { ...source, id: newId(), name, parentId, created: now(), modified: now(), version: 1 };
    nodes.set(copy.id, copy);
    if (source.folder) for (const child of children(source.id)) deepCopy(child, copy.id, child.name);
    return copy;
  };
  /** Where a new item named `name` may go in `parentId` under `conflict`: the name to use, and the item it replaces. */
  const resolveConflict = (parentId: string, name: string, conflict: Conflict, self?: string): { name: string; replaces?: Node } => {
    const taken = childNamed(parentId, name);
    if (!taken || taken.id === self) return { name };
    if (conflict === 'replace') return { name, replaces: taken };
    if (conflict === 'rename') {
      const dot = name.lastIndexOf('.');
      const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
      for (let i = 1; ; i++) if (!childNamed(parentId, `${stem} ${i}${ext}`)) return { name: `${stem} ${i}${ext}` };
    }
    throw new GraphError(409, 'nameAlreadyExists', 'The specified item name already exists.');
  };

  const itemJson = (node: Node, extra: { downloadUrl?: boolean; search?: boolean } = {}): Record<string, unknown> => {
    const json: Record<string, unknown> = {
      createdDateTime: node.created,
      cTag: `"c:{${node.id}},${node.version}"`,
      eTag: `"{${node.id}},${node.version}"`,
      id: node.id,
      lastModifiedDateTime: node.modified,
      name: node.name,
      size: node.folder ? folderSize(node.id) : node.content.length,
      webUrl: `https://onedrive.live.com/?id=${encodeURIComponent(node.id)}`,
      createdBy: { user: { displayName: 'Fake User', id: driveId.toLowerCase() } },
      fileSystemInfo: { createdDateTime: node.created, lastModifiedDateTime: node.modified },
    };
    if (node.parentId) {
      // Search results carry no parent path (as on OneDrive for Business).
      json.parentReference = { driveId: driveId.toLowerCase(), driveType: 'personal', id: node.parentId, ...(extra.search ? {} : { path: pathOf(node.parentId) }) };
    } else {
      json.parentReference = { driveId: driveId.toLowerCase(), driveType: 'personal' };
      json.root = {};
    }
    if (node.folder) json.folder = { childCount: children(node.id).length };
    else {
      json.file = { mimeType: node.mimeType ?? 'application/octet-stream', hashes: node.hashes };
      if (extra.downloadUrl) json['@microsoft.graph.downloadUrl'] = downloadUrl(node);
    }
    return json;
  };
  const downloadUrl = (node: Node) => {
    const token = randomBytes(12).toString('base64url');
    downloads.set(token, node.id);
    return `${base}/download/${token}`;
  };

  // --- paging ---

  const page = (res: ServerResponse, url: URL, items: Node[], search: boolean) => {
    const topParam = url.searchParams.get('$top');
    const top = topParam === null ? defaultPageSize : Number(topParam);
    if (!Number.isInteger(top) || top < 1) throw new GraphError(400, 'invalidRequest', 'Invalid $top value.', 'invalidQueryOption');
    const skipToken = url.searchParams.get('$skiptoken');
    const offset = skipToken === null ? 0 : Number(Buffer.from(skipToken, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0) throw new GraphError(400, 'invalidRequest', 'Invalid $skiptoken.', 'invalidStartIndex');
    const size = Math.min(top, maxPageSize);
    const body: Record<string, unknown> = { value: items.slice(offset, offset + size).map((n) => itemJson(n, { search })) };
    if (offset + size < items.length) {
      const next = new URL(url.pathname, base);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', Buffer.from(String(offset + size)).toString('base64url'));
      body['@odata.nextLink'] = next.toString();
    }
    sendJson(res, 200, body);
  };

  // --- request handling ---

  const conflictOf = (value: unknown, fallback: Conflict): Conflict => {
    if (value === undefined || value === null) return fallback;
    if (value === 'fail' || value === 'replace' || value === 'rename') return value;
    throw new GraphError(400, 'invalidRequest', 'Invalid conflict behavior.');
  };
  const jsonBody = async (body: () => Promise<Buffer>): Promise<Record<string, unknown>> => {
    const text = (await body()).toString('utf8');
    if (!text) return {};
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new GraphError(400, 'invalidRequest', 'Invalid request body.');
  };

  /** `/root…` or `/items/{id}…` → the item and what follows; `:/a/b:/suffix` resolves the path below it. */
  const resolve = (rest: string): { node?: Node; parent?: Node; name?: string; suffix: string } => {
    const m = /^\/(?:root|items\/([^/:]+))(.*)$/.exec(rest);
    if (!m) throw new GraphError(400, 'invalidRequest', 'Invalid request.');
    let node = get(m[1] === undefined ? rootId : decodeURIComponent(m[1]));
    let suffix = m[2];
    if (!suffix.startsWith(':/')) return { node, suffix };
    const colon = suffix.indexOf(':', 2);
    const encodedPath = colon < 0 ? suffix.slice(2) : suffix.slice(2, colon);
    suffix = colon < 0 ? '' : suffix.slice(colon + 1);
    const segments = encodedPath.split('/').map((s) => decodeURIComponent(s));
    for (const [i, segment] of segments.entries()) {
      if (!node.folder) throw new GraphError(404, 'itemNotFound', 'Item does not exist');
      const child = childNamed(node.id, segment);
      if (!child) {
        if (i === segments.length - 1) return { parent: node, name: segment, suffix };
        throw new GraphError(404, 'itemNotFound', 'Item does not exist');
      }
      node = child;
    }
    return { node, parent: node.parentId ? get(node.parentId) : undefined, name: node.name, suffix };
  };

  const handleDrive = async (req: IncomingMessage, res: ServerResponse, url: URL, body: () => Promise<Buffer>, rest: string) => {
    const method = req.method ?? 'GET';
    const target = resolve(rest);
    const { suffix } = target;
    const found = () => {
      if (!target.node) throw new GraphError(404, 'itemNotFound', 'Item does not exist');
      return target.node;
    };

    if (suffix === '' && method === 'GET') return sendJson(res, 200, itemJson(found(), { downloadUrl: true }));

    if (suffix === '/children' && method === 'GET') {
      const node = found();
      // A file has no children: an empty collection.
      return page(res, url, node.folder ? children(node.id) : [], false);
    }

    if (suffix === '/children' && method === 'POST') {
      const parent = folderNode(found().id);
      const input = await jsonBody(body);
      const name = checkName(input.name);
      if (!input.folder || typeof input.folder !== 'object') throw new GraphError(400, 'invalidRequest', 'Only folders can be created this way.');
      const placed = resolveConflict(parent.id, name, conflictOf(input['@microsoft.graph.conflictBehavior'], 'fail'));
      if (placed.replaces) remove(placed.replaces.id);
      const node: Node = { id: newId(), name: placed.name, parentId: parent.id, folder: true, content: Buffer.alloc(0), created: now(), modified: now(), version: 1 };
      nodes.set(node.id, node);
      return sendJson(res, 201, itemJson(node));
    }

    if (suffix === '/content' && method === 'GET') {
      const node = found();
      if (node.folder) throw new GraphError(404, 'itemNotFound', 'The item has no content.');
      req.resume();
      res.writeHead(302, { location: downloadUrl(node), 'content-length': '0' });
      return void res.end();
    }

    if (suffix === '/content' && method === 'PUT') {
      const data = await body();
      if (data.length > MAX_SIMPLE_UPLOAD) throw new GraphError(413, 'invalidRequest', 'The simple upload takes files up to 4 MiB; use an upload session.', 'maxFileSizeExceeded');
      const conflict = conflictOf(url.searchParams.get('@microsoft.graph.conflictBehavior'), 'replace');
      const mimeType = req.headers['content-type']?.split(';')[0];
      if (target.node) {
        const node = target.node;
        if (node.folder) throw new GraphError(409, 'nameAlreadyExists', 'The specified item name already exists.');
        if (conflict === 'fail') throw new GraphError(409, 'nameAlreadyExists', 'The specified item name already exists.');
        if (conflict === 'replace') {
          setContent(node, data, mimeType === 'application/octet-stream' ? undefined : mimeType);
          return sendJson(res, 200, itemJson(node));
        }
        const parentId = node.parentId!;
        return sendJson(res, 201, itemJson(createFile(parentId, resolveConflict(parentId, node.name, 'rename').name, data)));
      }
      if (!target.parent || !target.name) throw new GraphError(404, 'itemNotFound', 'Item does not exist');
      const parent = folderNode(target.parent.id);
      return sendJson(res, 201, itemJson(createFile(parent.id, checkName(target.name), data, mimeType === 'application/octet-stream' ? undefined : mimeType)));
    }

    if (suffix === '/createUploadSession' && method === 'POST') {
      const input = await jsonBody(body);
      const item = (input.item ?? {}) as Record<string, unknown>;
      const conflict = conflictOf(item['@microsoft.graph.conflictBehavior'], 'replace');
      const parent = target.node && !target.node.folder ? get(target.node.parentId!) : target.parent;
      const name = target.node && !target.node.folder ? target.node.name : target.name;
      if (!parent || !name) throw new GraphError(404, 'itemNotFound', 'Item does not exist');
      folderNode(parent.id);
      checkName(name);
      const id = randomBytes(16).toString('base64url');
      const expires = new Date(Date.now() + 3_600_000).toISOString();
      sessions.set(id, { parentId: parent.id, name, conflict, received: [], next: 0, expires });
      return sendJson(res, 200, { uploadUrl: `${base}/upload/${id}`, expirationDateTime: expires, nextExpectedRanges: ['0-'] });
    }

    if (suffix === '' && method === 'PATCH') {
      const node = found();
      if (!node.parentId) throw new GraphError(400, 'invalidRequest', 'The root cannot be renamed or moved.');
      const input = await jsonBody(body);
      const name = input.name === undefined ? node.name : checkName(input.name);
      const ref = input.parentReference as { id?: unknown } | undefined;
      const parentId = ref?.id === undefined ? node.parentId : folderNode(String(ref.id)).id;
      if (isBelow(parentId, node.id)) throw new GraphError(400, 'invalidRequest', 'An item cannot be moved into itself.');
      const conflict = conflictOf(url.searchParams.get('@microsoft.graph.conflictBehavior') ?? input['@microsoft.graph.conflictBehavior'], 'fail');
      const placed = resolveConflict(parentId, name, conflict, node.id);
      if (placed.replaces) remove(placed.replaces.id);
      node.name = placed.name;
      node.parentId = parentId;
      node.modified = now();
      node.version += 1;
      return sendJson(res, 200, itemJson(node));
    }

    if (suffix === '' && method === 'DELETE') {
      const node = found();
      if (!node.parentId) throw new GraphError(403, 'accessDenied', 'The root cannot be deleted.');
      remove(node.id);
      res.writeHead(204);
      return void res.end();
    }

    if (suffix === '/copy' && method === 'POST') {
      const source = found();
      if (!source.parentId) throw new GraphError(400, 'invalidRequest', 'The root cannot be copied.');
      const input = await jsonBody(body);
      const ref = (input.parentReference ?? {}) as { id?: unknown; driveId?: unknown };
      if (ref.driveId !== undefined && String(ref.driveId).toLowerCase() !== driveId.toLowerCase()) throw new GraphError(400, 'invalidRequest', 'Unknown drive.');
      const parent = folderNode(ref.id === undefined ? source.parentId : String(ref.id));
      if (source.folder && isBelow(parent.id, source.id)) throw new GraphError(400, 'invalidRequest', 'A folder cannot be copied into itself.');
      const name = input.name === undefined ? source.name : checkName(input.name);
      const conflict = conflictOf(url.searchParams.get('@microsoft.graph.conflictBehavior'), 'fail');
      if (conflict === 'fail') resolveConflict(parent.id, name, 'fail');
      const id = randomBytes(16).toString('hex');
      jobs.set(id, { sourceId: source.id, parentId: parent.id, name, polls: 0 });
      res.writeHead(202, { location: `${base}/monitor/${id}`, 'content-length': '0' });
      return void res.end();
    }

    const search = /^\/search\(q='(.*)'\)$/.exec(suffix);
    if (search && method === 'GET') {
      const node = found();
      const q = decodeURIComponent(search[1]).replace(/''/g, "'").toLowerCase();
      const below = [...nodes.values()].filter((n) => n.id !== node.id && isBelow(n.id, node.id) && n.name.toLowerCase().includes(q));
      return page(res, url, below.sort((a, b) => a.id.localeCompare(b.id)), true);
    }

    throw new GraphError(400, 'invalidRequest', `The fake does not implement ${method} ${suffix || '(item)'}.`);
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse, id: string, body: () => Promise<Buffer>) => {
    const method = req.method ?? 'GET';
    const log: FragmentLog = { session: id, contentRange: req.headers['content-range'], length: 0, status: 0, authorization: req.headers.authorization !== undefined };
    const answer = (status: number, value?: unknown) => {
      log.status = status;
      if (value === undefined) {
        res.writeHead(status);
        res.end();
      } else sendJson(res, status, value);
    };
    try {
      const session = sessions.get(id);
      if (method === 'PUT') fragments.push(log);
      // Upload URLs are pre-authenticated: a Bearer token there is refused.
      if (req.headers.authorization) throw new GraphError(401, 'unauthenticated', 'Do not send an Authorization header to an upload URL.');
      if (!session) throw new GraphError(404, 'itemNotFound', 'The upload session was not found.', 'uploadSessionNotFound');
      if (method === 'DELETE') {
        sessions.delete(id);
        return answer(204);
      }
      if (method === 'GET') return answer(200, { expirationDateTime: session.expires, nextExpectedRanges: [`${session.next}-`] });
      if (method !== 'PUT') throw new GraphError(405, 'invalidRequest', 'Method not allowed.');
      const data = await body();
      log.length = data.length;
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '');
      if (!range) throw new GraphError(400, 'invalidRequest', 'A Content-Range header "bytes a-b/total" is required.');
      const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (end < start || end >= total) throw new GraphError(400, 'invalidRequest', 'The Content-Range is invalid.');
      if (Number(req.headers['content-length']) !== data.length || data.length !== end - start + 1) {
        throw new GraphError(400, 'invalidRequest', 'The Content-Length does not match the Content-Range.');
      }
      if (data.length > MAX_FRAGMENT) throw new GraphError(413, 'invalidRequest', 'A fragment must be under 60 MiB.', 'maxFragmentLengthExceeded');
      if (session.total !== undefined && session.total !== total) {
        throw new GraphError(400, 'invalidRange', 'Declared total size for this fragment is different from that of the upload session.', 'fragmentLengthMismatch');
      }
      if (start < session.next) throw new GraphError(416, 'invalidRange', 'Uploaded fragment overlaps with existing data.', 'fragmentOverlap');
      if (start > session.next) throw new GraphError(416, 'invalidRange', 'Uploaded fragment is out of order.', 'fragmentOutOfOrder');
      const last = end + 1 === total;
      if (!last && data.length % FRAGMENT_UNIT !== 0) throw new GraphError(400, 'invalidRequest', 'Fragments must be a multiple of 320 KiB.');
      session.total = total;
      session.received.push(data);
      session.next = end + 1;
      if (!last && lostAnswers > 0) {
        lostAnswers -= 1;
        log.status = -1;
        return void res.destroy();
      }
      if (!last) return answer(202, { expirationDateTime: session.expires, nextExpectedRanges: [`${session.next}-`] });
      // The last fragment commits the file.
      sessions.delete(id);
      const content = Buffer.concat(session.received);
      const parent = folderNode(session.parentId);
      const taken = childNamed(parent.id, session.name);
      if (taken?.folder) throw new GraphError(409, 'nameAlreadyExists', 'The specified item name already exists.');
      if (taken && session.conflict === 'fail') throw new GraphError(409, 'upload_name_conflict', 'Another file exists with the same name as the uploaded session.');
      if (taken && session.conflict === 'replace') {
        setContent(taken, content);
        return answer(200, itemJson(taken));
      }
      const name = taken ? resolveConflict(parent.id, session.name, 'rename').name : session.name;
      return answer(201, itemJson(createFile(parent.id, name, content)));
    } catch (err) {
      if (!(err instanceof GraphError)) throw err;
      log.status = err.status;
      sendError(res, err);
    }
  };

  const handleDownload = (req: IncomingMessage, res: ServerResponse, token: string) => {
    req.resume();
    const node = nodes.get(downloads.get(token) ?? '');
    if (!node) throw new GraphError(404, 'itemNotFound', 'Item does not exist');
    const size = node.content.length;
    const range = requestedRange(req.headers.range, size);
    const headers = { 'content-type': node.mimeType ?? 'application/octet-stream', 'accept-ranges': 'bytes' };
    if (range === 'invalid') {
      res.writeHead(416, { 'content-range': `bytes */${size}`, 'content-length': '0' });
      return void res.end();
    }
    if (range === null) {
      res.writeHead(200, { ...headers, 'content-length': String(size) });
      return void res.end(node.content);
    }
    res.writeHead(206, { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${size}` });
    res.end(node.content.subarray(range.start, range.end + 1));
  };

  const handleMonitor = (req: IncomingMessage, res: ServerResponse, id: string) => {
    req.resume();
    const job = jobs.get(id);
    if (!job) throw new GraphError(404, 'itemNotFound', 'The monitor was not found.');
    if (!job.resourceId && !job.error) {
      job.polls += 1;
      if (job.polls <= copyPolls) return sendJson(res, 202, { operation: 'ItemCopy', percentageComplete: 50, status: 'inProgress' });
      // The copy happens now, asynchronously to the POST: the name may have been taken meanwhile.
      const source = nodes.get(job.sourceId);
      const parent = nodes.get(job.parentId);
      if (!source || !parent) job.error = 'itemNotFound';
      else if (childNamed(parent.id, job.name)) job.error = 'nameAlreadyExists';
      else job.resourceId = deepCopy(source, parent.id, job.name).id;
    }
    if (job.error) return sendJson(res, 200, { operation: 'ItemCopy', status: 'failed', error: { code: job.error, message: 'The copy failed.' } });
    sendJson(res, 200, { operation: 'ItemCopy', percentageComplete: 100, resourceId: job.resourceId, status: 'completed' });
  };

  const fake = await startFakeService({
    tokens: options.tokens,
    anonymousPaths: (path) => /^\/(upload|download|monitor)\//.test(path),
    unauthorized: (res) =>
      sendJson(
        res,
        401,
        { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.', innerError: { date: now(), 'request-id': randomBytes(8).toString('hex') } } },
        { 'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"' },
      ),
    handler: async (req, res, url, body) => {
      try {
        const path = url.pathname;
        const anonymous = /^\/(upload|download|monitor)\/([^/]+)$/.exec(path);
        if (anonymous?.[1] === 'upload') return await handleUpload(req, res, anonymous[2], body);
        if (anonymous?.[1] === 'download') return handleDownload(req, res, anonymous[2]);
        if (anonymous?.[1] === 'monitor') return handleMonitor(req, res, anonymous[2]);
        if (!path.startsWith(`${PREFIX}/`)) throw new GraphError(400, 'invalidRequest', 'Invalid version or resource.');
        await handleDrive(req, res, url, body, path.slice(PREFIX.length));
      } catch (err) {
        if (!(err instanceof GraphError)) throw err;
        req.resume();
        sendError(res, err);
      }
    },
  });
  base = fake.url;

  return Object.assign(fake, {
    config: { apiUrl: `${fake.url}${PREFIX}` },
    driveId,
    rootId,
    fragments,
    sessionCount: () => sessions.size,
    loseFragmentAnswers: (times: number) => {
      lostAnswers = times;
    },
    node: (id: string) => {
      const n = nodes.get(id);
      return n && { id: n.id, name: n.name, parentId: n.parentId, folder: n.folder, content: n.content };
    },
    addFile: (parentId: string, name: string, content: Buffer | string) => createFile(parentId, name, Buffer.from(content)).id,
  });
}

function sendError(res: ServerResponse, err: GraphError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const error: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.inner) error.innererror = { code: err.inner };
  sendJson(res, err.status, { error }, err.headers);
}

function guessMime(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return { txt: 'text/plain', md: 'text/markdown', json: 'application/json', png: 'image/png', jpg: 'image/jpeg', pdf: 'application/pdf' }[ext] ?? 'application/octet-stream';
}
