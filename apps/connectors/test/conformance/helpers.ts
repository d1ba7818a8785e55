import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError, NotFoundError } from '@app/common';
import { ROOT, type Connector, type Entry, type Locator } from '../../src/connectors/connector';

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export function bodyOf(data: string | Buffer): Readable {
  const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  // Several small chunks, so connectors see a real stream rather than one buffer.
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += 64 * 1024) chunks.push(buffer.subarray(i, i + 64 * 1024));
  return Readable.from(chunks, { objectMode: false });
}

/**
 * The cases name objects by path below the suite folder for readability; these
 * helpers resolve a path to a locator by walking `lookup` from the root, so the
 * same cases run on path- and id-addressed connectors.
 */
export async function at(c: Connector, path: string): Promise<Entry> {
  let entry = await c.stat(ROOT);
  for (const name of path === '' ? [] : path.split('/')) {
    const child = await c.lookup(entry.locator, name);
    if (!child) throw new NotFoundError(`nothing at "${path}" (no "${name}")`);
    entry = child;
  }
  return entry;
}

export async function loc(c: Connector, path: string): Promise<Locator> {
  return (await at(c, path)).locator;
}

/** [folder path, name] of a path. */
export function split(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  return i < 0 ? ['', path] : [path.slice(0, i), path.slice(i + 1)];
}

export async function writeText(c: Connector, path: string, text: string | Buffer): Promise<Entry> {
  const buffer = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const [folder, name] = split(path);
  return c.write(await loc(c, folder), name, bodyOf(buffer), { size: buffer.length });
}

export async function mkdirAt(c: Connector, path: string): Promise<Entry> {
  const [folder, name] = split(path);
  return c.mkdir(await loc(c, folder), name);
}

export async function readText(c: Connector, path: string): Promise<string> {
  const { stream } = await c.read(await loc(c, path));
  return (await readAll(stream)).toString('utf8');
}

/** Moves (or with `copy`, copies) the object at `from` to the path `to`. */
export async function moveTo(c: Connector, from: string, to: string, op: 'move' | 'copy' = 'move'): Promise<Entry> {
  const [folder, name] = split(to);
  const [source, target] = await Promise.all([loc(c, from), loc(c, folder)]);
  return op === 'move' ? c.move(source, target, name) : c.copy!(source, target, name);
}

/** A locator that named an object of this account which is gone now (for not-found cases on every kind of connector). */
export async function goneLocator(c: Connector, dir: string, kind: 'file' | 'folder' = 'file'): Promise<Locator> {
  const entry = kind === 'file' ? await writeText(c, `${dir}/gone-${kind}`, 'x') : await mkdirAt(c, `${dir}/gone-${kind}`);
  await c.remove(entry.locator, { recursive: true });
  return entry.locator;
}

/** Every entry of a folder, following cursors. */
export async function listAll(c: Connector, folder: string, pageSize = 1000): Promise<Entry[]> {
  const all: Entry[] = [];
  const folderLocator = await loc(c, folder);
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await c.list(folderLocator, { pageSize, cursor });
    expect(page.items.length).toBeLessThanOrEqual(pageSize);
    all.push(...page.items);
    if (!page.next) return all;
    cursor = page.next;
  }
  throw new Error('listing never ended');
}

export async function names(c: Connector, folder: string): Promise<string[]> {
  return (await listAll(c, folder)).map((e) => e.name).sort();
}

export function randomData(size: number): Buffer {
  return randomBytes(size);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Resolves to the AppError subclass `promise` rejects with; fails if it resolves or throws anything else. */
export async function expectError<E extends AppError>(promise: Promise<unknown>, cls: new (...args: never[]) => E): Promise<E> {
  let result: unknown;
  try {
    result = await promise;
  } catch (err) {
    if (!(err instanceof cls)) {
      throw new Error(`expected ${cls.name}, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
    }
    return err;
  }
  throw new Error(`expected ${cls.name}, but the call succeeded with ${describe(result)}`);
}

function describe(value: unknown): string {
  if (value && typeof value === 'object' && 'stream' in value) {
    const { stream: _stream, ...rest } = value as Record<string, unknown>;
    return `a read result ${JSON.stringify(rest)}`;
  }
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200);
  } catch {
    return String(value);
  }
}
