import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import {
  AppError, ForbiddenError, InvalidParametersError, LOGGER, MultipartAbort, MultipartComplete, MultipartCreate, NotFoundError, REDIS, RPC_CLIENT, RpcClient,
  UploadLocationResolve, type MessageMeta, type PublicUploadLocation,
} from '@app/common';
import { StreamProxy } from '../storage/stream-proxy.service';
import { readDropChunk, type DropChunk } from './drop-chunk';
import { OriginPolicy } from './picker-cors';

/**
 * The chunk size the drop endpoint announces (`GET /drop/{app}`): the File
 * Picker's own default, and S3's smallest part, so every chunk but the last is
 * one part of the upload session it goes to.
 */
export const DROP_CHUNK_SIZE = 5 * 1024 * 1024;
/** A chunked upload's session is kept as long as a multipart session lives (MULTIPART_SESSION_TTL_S's default). */
const UPLOAD_TTL_S = 86_400;
const MAX_CHUNKS = 10_000;

/** One chunked upload in progress, keyed by app, picker and the picker's file id (Redis: every gateway instance sees it). */
interface DropUpload {
  accountId: number;
  sessionId: string;
  chunks: number;
  partSize: number;
  size: number;
}

const intParam = (v: unknown, name: string, fallback?: number): number => {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || !/^[0-9]{1,15}$/.test(v)) throw new InvalidParametersError(`${name} must be a non-negative integer.`);
  return Number(v);
};

/**
 * The File Picker's computer uploads (plupload, `{base}/drop/{app_id}`): each
 * request is a chunk, its body the bytes and its query `name`, `chunk`,
 * `chunks`, `file_id`, `file_size` (plupload's `multipart: false`, as the picker
 * sends them). A one-chunk file is uploaded as it streams; a larger one becomes
 * a multipart session in the connectors whose parts are the chunks, completed
 * with the last. The bytes go to the app's upload location — the default one,
 * or the one `X-Drop-Account` and `X-Drop-Folder` name — and are never held
 * whole in memory. No credentials: only the app's registered origins may send.
 */
@Injectable()
export class DropService {
  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly streams: StreamProxy,
    private readonly origins: OriginPolicy,
  ) {}

  /** `GET`: the chunk size, once the upload location is known to exist. */
  async info(appId: string, req: Request): Promise<{ chunk_size: number }> {
    await this.location(appId, req);
    return { chunk_size: DROP_CHUNK_SIZE };
  }

  async receive(appId: string, req: Request, res: Response): Promise<void> {
    await this.requireOrigin(appId, req);
    const received = await readDropChunk(req);
    try {
      res.status(200).json(await this.store(appId, req, received));
    } finally {
      received.discard();
    }
  }

  /** Sends one chunk on: the whole file if it is the only one, else a part of the file's upload session. Replies what plupload gets back. */
  private async store(appId: string, req: Request, received: DropChunk): Promise<unknown> {
    const q = received.fields;
    const chunks = intParam(q.chunks, 'chunks', 1);
    const chunk = intParam(q.chunk, 'chunk', 0);
    if (chunks < 1 || chunks > MAX_CHUNKS || chunk >= chunks) throw new InvalidParametersError(`chunk must be below chunks, and chunks between 1 and ${MAX_CHUNKS}.`);
    const name = typeof q.name === 'string' ? q.name : '';
    if (name === '' || name.length > 255) throw new InvalidParametersError('name is required (at most 255 characters).');
    const location = await this.location(appId, req);
    const meta = { requestId: req.requestId, appId, accountId: location.account_id };
    this.logger.info({ appId, accountId: location.account_id, chunk, chunks, source: sourceOf(req) }, 'gateway.drop.chunk');

    if (chunks === 1) {
      // A form's file part has no length of its own: it goes on chunked.
      const body = received.length === undefined ? { ...received.body, headers: { ...received.body.headers, 'transfer-encoding': 'chunked' } } : received.body;
      return this.streams.send(body, meta, 'POST', ['files'], { name, parent_id: location.folder_id, overwrite: 'false', raw: 'false' });
    }
    const key = this.keyOf(appId, req, q.file_id);
    const size = intParam(q.file_size, 'file_size');
    let upload: DropUpload;
    if (chunk === 0) {
      // The parts are the chunks: the first one's size (a form's file part: the size we announce) is the session's part size.
      const partSize = received.length ?? DROP_CHUNK_SIZE;
      if (partSize <= 0) throw new InvalidParametersError('A chunk needs a Content-Length.');
      const session = await this.rpc.call(MultipartCreate, meta, { parentId: location.folder_id, name, size, overwrite: false, partSize });
      upload = { accountId: location.account_id, sessionId: session.id, chunks, partSize: session.part_size, size };
      await this.redis.set(key, JSON.stringify(upload), 'EX', UPLOAD_TTL_S);
    } else {
      const stored = await this.redis.get(key);
      if (!stored) throw new NotFoundError('This upload is unknown or expired; start it again from its first chunk.');
      upload = JSON.parse(stored) as DropUpload;
      if (upload.chunks !== chunks || upload.size !== size) throw new InvalidParametersError(`This upload has ${upload.chunks} chunks and ${upload.size} bytes.`);
    }
    const uploadMeta = { ...meta, accountId: upload.accountId };
    const length = received.length ?? Math.min(upload.partSize, upload.size - chunk * upload.partSize);
    const body = { ...received.body, headers: { ...received.body.headers, 'content-length': String(length) } };
    await this.streams.send(body, uploadMeta, 'PUT', ['multipart', upload.sessionId], { part_number: String(chunk + 1) });
    if (chunk < chunks - 1) return { chunk, chunks };
    const file = await this.rpc.call(MultipartComplete, uploadMeta, { sessionId: upload.sessionId, rawData: false });
    await this.redis.del(key);
    return file;
  }

  /** `DELETE ?file_id=`: the picker cancelled; what was sent of the file is dropped. */
  async cancel(appId: string, req: Request): Promise<void> {
    await this.requireOrigin(appId, req);
    const key = this.keyOf(appId, req, (req.query as Record<string, unknown>).file_id);
    const stored = await this.redis.get(key);
    if (!stored) return;
    await this.redis.del(key);
    const upload = JSON.parse(stored) as DropUpload;
    await this.rpc.call(MultipartAbort, { requestId: req.requestId, appId, accountId: upload.accountId }, { sessionId: upload.sessionId }).catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'not_found')) throw err;
    });
    this.logger.info({ appId, accountId: upload.accountId, source: sourceOf(req) }, 'gateway.drop.cancelled');
  }

  /** The app's default upload location, or the one X-Drop-Account / X-Drop-Folder name (it must be one of the app's). */
  private async location(appId: string, req: Request): Promise<PublicUploadLocation> {
    const account = req.header('x-drop-account');
    const folder = req.header('x-drop-folder');
    const where: { accountId?: number; folderId?: string } = {};
    if (account !== undefined && account !== '') {
      if (!/^[1-9][0-9]{0,9}$/.test(account)) throw new InvalidParametersError('X-Drop-Account must be an account id.');
      where.accountId = Number(account);
      if (folder) where.folderId = folder.slice(0, 2048);
    }
    const meta: MessageMeta = { requestId: req.requestId, appId };
    return this.rpc.call(UploadLocationResolve, meta, where);
  }

  /** Uploads need no credentials, so they are taken only from a page on one of the app's registered origins. */
  private async requireOrigin(appId: string, req: Request): Promise<void> {
    const origin = req.header('origin');
    if (!origin || !(await this.origins.appsAllowing(origin)).has(appId)) {
      throw new ForbiddenError('Uploads are accepted only from the origins the app registered (PUT /v1/admin/apps/{app}/origins).');
    }
  }

  private keyOf(appId: string, req: Request, fileId: unknown): string {
    const picker = req.header('x-picker-id');
    if (!picker || picker.length > 128) throw new InvalidParametersError('X-Picker-Id is required.');
    if (typeof fileId !== 'string' || fileId === '' || fileId.length > 128) throw new InvalidParametersError('file_id is required.');
    return `drop:${appId}:${createHash('sha256').update(`${picker}\0${fileId}`).digest('hex')}`;
  }
}

/** X-Kloudless-Source (`file-picker/<version>`): informational, logged as sent, cut short. */
export function sourceOf(req: Request): string | undefined {
  return req.header('x-kloudless-source')?.replace(/[^\x20-\x7e]/g, '').slice(0, 64);
}
