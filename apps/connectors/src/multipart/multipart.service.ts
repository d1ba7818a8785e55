import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  CONFIG,
  InvalidParametersError,
  LOGGER,
  NotFoundError,
  UnsupportedError,
  type MessageMeta,
  type MultipartSession,
  type PublicStorageObject,
} from '@app/common';
import { has, type ChunkWriter, type Connector, type Features, type PartReceipt } from '../connectors/connector';
import { verifyPart } from '../connectors/parts';
import { countedStream } from '../transfers/counted-stream';
import type { ConnectorsConfig } from '../connectors.config';
import { AccountConnectors } from '../storage/account-connectors';
import { checkName, freeName, parentFolder, targetKey, targetOf } from '../storage/object-paths';
import { toStorageObject } from '../storage/storage.mapper';
import { FileEvents } from '../storage/upload-events';
import { MultipartSessionEntity } from './multipart-session.entity';
import { MultipartSessionRepository, type AccountScope } from './multipart-session.repository';


/** Part size for a file: the configured default, raised so the parts fit the service's limits. */
export function choosePartSize(size: number, preferred: number, features: Features): number {
  const min = features.minPartSize ?? 1;
  const max = features.maxPartSize ?? Number.MAX_SAFE_INTEGER;
  const maxParts = features.maxParts ?? 10_000;
  let partSize = Math.max(preferred, min, Math.ceil(size / maxParts));
  partSize = Math.min(partSize, max);
  if (Math.ceil(size / partSize) > maxParts) throw new InvalidParametersError(`The file is too large for this service (${size} bytes).`);
  return partSize;
}

/**
 * Kloudless multipart sessions over a connector's ChunkWriter. The session
 * row lives in the connectors schema with the writer's upload state and the
 * receipt of every part written; the open writer is cached in this process,
 * and another process (or this one after a restart) reopens it from the row,
 * so a session continues where it was.
 */
@Injectable()
export class MultipartService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly writers = new Map<string, { writer: ChunkWriter; connector: Connector }>();
  private readonly preferredPartSize: number;
  private readonly ttlMs: number;
  private readonly sweepMs: number;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly sessions: MultipartSessionRepository,
    private readonly accounts: AccountConnectors,
    private readonly events: FileEvents,
    @Inject(CONFIG) config: ConnectorsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.preferredPartSize = config.MULTIPART_PART_SIZE;
    this.ttlMs = config.MULTIPART_SESSION_TTL_S * 1000;
    this.sweepMs = config.MULTIPART_SWEEP_INTERVAL_S * 1000;
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweepExpired(), this.sweepMs);
    this.sweeper.unref();
  }

  /**
   * Expired sessions: the row goes, the live writer (if this process holds it)
   * is aborted, and what the upload left upstream is removed even when the
   * writer was lost to a restart (abortChunkUpload by the session id). Never throws.
   */
  async sweepExpired(): Promise<number> {
    let cleaned = 0;
    try {
      for (const session of await this.sessions.claimExpired()) {
        const open = this.writers.get(session.id);
        this.writers.delete(session.id);
        try {
          if (open) await open.writer.abort();
          else {
            const connector = await this.accounts.get({ appId: session.appId, requestId: `multipart-sweep-${session.id}` }, session.accountId);
            const target = targetOf(session.path);
            if (has(connector, 'abortChunkUpload')) await connector.abortChunkUpload(target.folder, target.name, session.id);
          }
          cleaned++;
        } catch (err) {
          this.logger.warn({ err: String(err), sessionId: session.id }, 'connectors.multipart.sweep.abort_failed');
        }
      }
    } catch (err) {
      this.logger.error({ err: String(err) }, 'connectors.multipart.sweep.failed');
    }
    if (cleaned > 0) this.logger.info({ sessions: cleaned }, 'connectors.multipart.swept');
    return cleaned;
  }

  async create(meta: MessageMeta, input: { parentId: string; name: string; size: number; overwrite: boolean; partSize?: number }): Promise<MultipartSession> {
    const scope = scopeOf(meta);
    const connector = await this.accounts.get(meta, scope.accountId);
    if (!has(connector, 'openChunkWriter')) throw new UnsupportedError('This service does not support multipart uploads.');
    const folder = await parentFolder(connector, input.parentId);
    const existing = await connector.lookup(folder, checkName(input.name));
    const name = existing && (!input.overwrite || existing.kind === 'folder') ? await freeName(connector, folder, input.name) : input.name;
    const path = targetKey(folder, name);
    const partSize = choosePartSize(input.size, input.partSize ?? this.preferredPartSize, connector.features);
    if (input.partSize !== undefined && partSize !== input.partSize) {
      throw new InvalidParametersError(`This service cannot take ${input.size} bytes in parts of ${input.partSize} bytes (it needs ${partSize}).`);
    }
    const id = randomUUID();
    // The session id names the upload upstream, so an expired session is found and removed after a restart too.
    const writer = await connector.openChunkWriter(folder, name, { size: input.size, uploadKey: id });
    const row = await this.sessions.insert(scope, {
      id, parentId: input.parentId, path, size: input.size, partSize, uploadState: writer.state, expiresAt: new Date(Date.now() + this.ttlMs),
    });
    this.writers.set(id, { writer, connector });
    return toSession(row);
  }

  async get(meta: MessageMeta, sessionId: string): Promise<MultipartSession> {
    return toSession(await this.require(scopeOf(meta), sessionId));
  }

  async writePart(meta: MessageMeta, sessionId: string, partNumber: number, body: Readable, length: number): Promise<void> {
    const session = await this.require(scopeOf(meta), sessionId);
    const parts = partCount(session);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > parts) {
      throw new InvalidParametersError(`part_number must be between 1 and ${parts}.`);
    }
    const part = { number: partNumber, offset: (partNumber - 1) * session.partSize, size: length };
    const expected = Math.min(session.partSize, session.size - part.offset);
    if (length !== expected) throw new InvalidParametersError(`Part ${partNumber} must have ${expected} bytes, not ${length}.`);
    const md5 = createHash('md5');
    const { stream, release } = countedStream(body, () => undefined, new AbortController().signal, 'The part was cancelled.', md5);
    let receipt: PartReceipt;
    try {
      receipt = await (await this.writerOf(meta, session)).writePart(part, stream);
    } finally {
      release();
    }
    verifyPart(part, receipt, md5.digest('hex'));
    await this.sessions.recordPart(scopeOf(meta), sessionId, partNumber, receipt);
  }

  async complete(meta: MessageMeta, sessionId: string, rawData: boolean): Promise<PublicStorageObject> {
    const scope = scopeOf(meta);
    const session = await this.require(scope, sessionId);
    const parts = Array.from({ length: partCount(session) }, (_, i) => {
      const receipt = session.parts[String(i + 1)];
      if (!receipt) throw new InvalidParametersError(`Part ${i + 1} was never uploaded.`);
      const offset = i * session.partSize;
      return { number: i + 1, offset, size: Math.min(session.partSize, session.size - offset), receipt };
    });
    const entry = await (await this.writerOf(meta, session)).complete(session.size === 0 ? [] : parts);
    this.writers.delete(sessionId);
    await this.sessions.delete(scope, sessionId);
    const file = toStorageObject(entry, scope.accountId, { rawData });
    await this.events.uploaded(meta, file);
    return file;
  }

  async abort(meta: MessageMeta, sessionId: string): Promise<{ aborted: true }> {
    const scope = scopeOf(meta);
    await this.require(scope, sessionId);
    const open = this.writers.get(sessionId);
    this.writers.delete(sessionId);
    await open?.writer.abort().catch(() => undefined);
    await this.sessions.delete(scope, sessionId);
    return { aborted: true };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    // Writers are not aborted: their sessions continue in the next process from the stored state.
    this.writers.clear();
  }

  private async require(scope: AccountScope, sessionId: string): Promise<MultipartSessionEntity> {
    const session = await this.sessions.findLive(scope, sessionId);
    if (!session) throw new NotFoundError(`Upload session ${sessionId} was not found or has expired.`);
    return session;
  }

  /** The session's writer: the one this process opened, or the upload reopened from its stored state. */
  private async writerOf(meta: MessageMeta, session: MultipartSessionEntity): Promise<ChunkWriter> {
    const open = this.writers.get(session.id);
    if (open) return open.writer;
    const connector = await this.accounts.get(meta, session.accountId);
    if (!has(connector, 'openChunkWriter')) throw new UnsupportedError('This service does not support multipart uploads.');
    const target = targetOf(session.path);
    const writer = await connector.openChunkWriter(target.folder, target.name, { size: session.size, uploadKey: session.id, resume: session.uploadState });
    this.writers.set(session.id, { writer, connector });
    return writer;
  }
}

function scopeOf(meta: MessageMeta): AccountScope {
  if (!meta.accountId) throw new NotFoundError('No account was given.');
  return { appId: meta.appId, accountId: meta.accountId };
}

function partCount(session: MultipartSessionEntity): number {
  return Math.max(1, Math.ceil(session.size / session.partSize));
}

function toSession(row: MultipartSessionEntity): MultipartSession {
  const slash = row.path.lastIndexOf('/');
  return {
    id: row.id,
    account: row.accountId,
    parent_id: row.parentId,
    name: row.path.slice(slash + 1),
    size: row.size,
    part_size: row.partSize,
    parallel_uploads: true,
    api: 'storage',
    type: 'multipart_session',
  };
}
