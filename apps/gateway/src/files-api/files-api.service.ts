import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AppError,
  CONFIG,
  FileGet,
  InvalidParametersError,
  ObjectDelete,
  PresignedUploadCreate,
  PresignedUploadDelete,
  PresignedUploadGet,
  PresignedUploadList,
  PresignedUploadMark,
  Presign,
  RPC_CLIENT,
  RpcClient,
  UploadLocationResolve,
  type MessageMeta,
  type ObjectList,
  type PublicUploadRecord,
} from '@app/common';
import type { GatewayConfig } from '../gateway.config';
import { publicBaseOf } from '../http/public-base';
import { StreamProxy } from '../storage/stream-proxy.service';
import { parsePresignRequest } from './presign-request';
import { SignedUrls } from './signed-urls';

export interface PresignedUrl {
  id: string;
  url: string;
  method: 'PUT';
  /** Headers the PUT must send (the Content-Type is part of an S3 signature). */
  headers: { 'Content-Type': string };
  key: string;
  expiresAt: string;
}

/**
 * The presigned-upload API (seed 001): a URL to PUT the bytes to (S3's own
 * presigned URL, or a signed gateway URL that streams to the connector), then
 * registration by key, which checks what arrived. Files land in the app's
 * default upload location; records live in the transfer service.
 */
@Injectable()
export class FilesApiService {
  private readonly signed: SignedUrls;

  constructor(
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    private readonly streams: StreamProxy,
  ) {
    this.signed = new SignedUrls(config.INTERNAL_TOKEN);
  }

  async presign(meta: MessageMeta, body: unknown, req: Request): Promise<PresignedUrl> {
    const input = parsePresignRequest(body, { maxBytes: this.config.PRESIGNED_MAX_BYTES, allowedTypes: this.config.PRESIGNED_ALLOWED_TYPES });
    const location = await this.rpc.call(UploadLocationResolve, meta, {}).catch((err: unknown) => {
      if (isNotFound(err)) throw new AppError('file/bucket-not-configured', 'This app has no default upload location; create one with POST /v1/upload_locations.');
      throw err;
    });
    const id = randomUUID();
    const key = keyFor(id, input.filename);
    const ttl = this.config.PRESIGNED_URL_TTL_S;
    const expires = Math.floor(Date.now() / 1000) + ttl;
    const at = { ...meta, accountId: location.account_id };
    const direct = await this.rpc.call(Presign, at, { method: 'PUT', parentId: location.folder_id, name: key, contentType: input.contentType, expiresInS: ttl }).catch((err: unknown) => {
      if (err instanceof AppError && (err.code === 'invalid_parent_folder' || err.code === 'not_found')) {
        throw new AppError('file/bucket-not-configured', "The default upload location's folder or account no longer exists; fix it with /v1/upload_locations.");
      }
      throw err;
    });
    const url = direct.url ?? `${publicBaseOf(this.config, req)}/v1/files/uploads/${this.signed.sign({ appId: meta.appId, fileId: id, method: 'PUT', expires })}`;
    const expiresAt = new Date(expires * 1000).toISOString();
    await this.rpc.call(PresignedUploadCreate, meta, {
      id, key, filename: input.filename, contentType: input.contentType, size: input.size, tags: input.tags,
      accountId: location.account_id, folderId: location.folder_id, fileId: direct.fileId, expiresAt,
    });
    return { id, url, method: 'PUT', headers: { 'Content-Type': input.contentType }, key, expiresAt };
  }

  /** POST /v1/files `{ key }`: the bytes must be there, of the announced size; then the record is Complete. */
  async register(meta: MessageMeta, body: unknown): Promise<PublicUploadRecord> {
    const key = body && typeof body === 'object' ? (body as Record<string, unknown>).key : undefined;
    if (typeof key !== 'string' || key === '' || key.length > 1024) throw new InvalidParametersError('key is required: the key the presigned URL was issued for.');
    const record = await this.rpc.call(PresignedUploadGet, meta, { key });
    if (record.status === 'Complete') throw new AppError('file/s3-key-already-exists', `The file with key "${key}" is already registered.`);
    const at = { ...meta, accountId: record.accountId };
    const file = await this.rpc.call(FileGet, at, { fileId: record.fileId, rawData: false }).catch((err: unknown) => {
      if (isNotFound(err)) throw new AppError('bad_request', 'Nothing has been uploaded for this key yet: PUT the bytes to the presigned URL first.');
      throw err;
    });
    if (file.size !== record.size) {
      await this.rpc.call(ObjectDelete, at, { kind: 'file', id: record.fileId, recursive: false }).catch(() => undefined);
      throw (file.size ?? 0) > record.size
        ? new AppError('file/file-too-large', `${file.size} bytes arrived, more than the ${record.size} announced; the upload was discarded.`)
        : new AppError('bad_request', `${file.size} bytes arrived, not the ${record.size} announced; the upload was discarded.`);
    }
    return this.rpc.call(PresignedUploadMark, meta, { id: record.id, status: 'Complete', file: file as unknown as Record<string, unknown> });
  }

  list(meta: MessageMeta, paging: { page: number; pageSize: number }): Promise<ObjectList<PublicUploadRecord>> {
    return this.rpc.call(PresignedUploadList, meta, paging);
  }

  /** The record, with a download URL once it is complete (S3's presigned GET, else a signed gateway URL). */
  async get(meta: MessageMeta, id: string, req: Request): Promise<PublicUploadRecord & { downloadUrl: string | null }> {
    const record = await this.rpc.call(PresignedUploadGet, meta, { id });
    if (record.status !== 'Complete') return { ...record, downloadUrl: null };
    const ttl = this.config.PRESIGNED_URL_TTL_S;
    const direct = await this.rpc.call(Presign, { ...meta, accountId: record.accountId }, { method: 'GET', fileId: record.fileId, expiresInS: ttl });
    const expires = Math.floor(Date.now() / 1000) + ttl;
    return { ...record, downloadUrl: direct.url ?? `${publicBaseOf(this.config, req)}/v1/files/downloads/${this.signed.sign({ appId: meta.appId, fileId: id, method: 'GET', expires })}` };
  }

  /** The stored object goes too (if it arrived); a file already gone upstream is not an error. */
  async remove(meta: MessageMeta, id: string): Promise<void> {
    const record = await this.rpc.call(PresignedUploadGet, meta, { id });
    await this.rpc.call(ObjectDelete, { ...meta, accountId: record.accountId }, { kind: 'file', id: record.fileId, recursive: false }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    await this.rpc.call(PresignedUploadDelete, meta, { id });
  }

  /** PUT to a signed gateway URL: exactly the announced size and type, streamed into the upload location. */
  async receive(token: string, req: Request, res: Response): Promise<void> {
    const grant = this.signed.verify(token, 'PUT');
    if (!grant) throw new AppError('file/access-denied', 'This upload URL is invalid or has expired; ask for a new one.');
    const meta: MessageMeta = { appId: grant.appId, requestId: req.requestId };
    const record = await this.recordOf(meta, grant.fileId);
    const length = req.header('content-length');
    if (length === undefined || !/^\d+$/.test(length)) throw new AppError('bad_request', `Send the file with a Content-Length of ${record.size}.`);
    if (Number(length) > record.size) throw new AppError('file/file-too-large', `The body is ${length} bytes; ${record.size} were announced.`);
    if (Number(length) < record.size) throw new AppError('bad_request', `The body is ${length} bytes; ${record.size} were announced.`);
    const type = (req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== record.contentType) throw new AppError('file/invalid-format', `Send the file with Content-Type "${record.contentType}" (got "${type}").`);
    await this.rpc.call(PresignedUploadMark, meta, { id: record.id, status: 'In Transit' });
    await this.streams.forward(req, res, { ...meta, accountId: record.accountId }, 'POST', ['files'], {
      name: record.key, parent_id: record.folderId, overwrite: 'true', raw: 'false', announce: 'false',
    });
  }

  /** GET a signed download URL: the registered file's bytes (Range honoured). */
  async send(token: string, req: Request, res: Response): Promise<void> {
    const grant = this.signed.verify(token, 'GET');
    if (!grant) throw new AppError('file/access-denied', 'This download URL is invalid or has expired.');
    const meta: MessageMeta = { appId: grant.appId, requestId: req.requestId };
    const record = await this.recordOf(meta, grant.fileId);
    await this.streams.forward(req, res, { ...meta, accountId: record.accountId }, 'GET', ['files', record.fileId, 'contents']);
  }

  private async recordOf(meta: MessageMeta, id: string): Promise<PublicUploadRecord> {
    return this.rpc.call(PresignedUploadGet, meta, { id }).catch((err: unknown) => {
      if (isNotFound(err)) throw new AppError('file/access-denied', 'This URL names a file that no longer exists.');
      throw err;
    });
  }
}

/** Errors from other services arrive rebuilt from their public shape: compare codes, not classes. */
function isNotFound(err: unknown): boolean {
  return err instanceof AppError && err.code === 'not_found';
}

/** The object's name: unique (the record id) and still readable; at most 255 characters, the extension kept. */
export function keyFor(id: string, filename: string): string {
  const room = 255 - id.length - 1;
  if (filename.length <= room) return `${id}-${filename}`;
  const dot = filename.lastIndexOf('.');
  const ext = dot > 0 && filename.length - dot <= 16 ? filename.slice(dot) : '';
  return `${id}-${filename.slice(0, room - ext.length)}${ext}`;
}
