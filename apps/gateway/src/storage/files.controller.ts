import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, FileGet, uploadTags, InvalidParametersError, ObjectCopy, ObjectDelete, ObjectUpdate, RPC_CLIENT, RpcClient, type MessageMeta } from '@app/common';
import { z } from 'zod';
import { AccountId, Meta, RawData } from '../access/caller.decorator';
import { queryFlag } from '../http/query-flags';
import { ZodPipe } from '../http/zod.pipe';
import { copyBody, moveBody, sameAccountOnly, type CopyBody, type MoveBody } from './storage-bodies';
import { TransfersService, wantsTask } from '../tasks/transfers.service';
import { StreamProxy } from './stream-proxy.service';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { accountListSchema, accountSchema, storageObjectListSchema, storageObjectSchema } from '../openapi/public-objects.schema';

const metadataHeader = z.object({ name: z.string().min(1, 'name is required').max(1024), parent_id: z.string().min(1).default('root'), tags: uploadTags.optional() });
/** Upload from URL: JSON `{ url, parent_id, name? }` instead of bytes (http and https only; the address policy is checked where it is fetched). */
const urlUploadBody = z.object({
  url: z.string().max(8192).url('url must be an absolute http(s) URL').refine((u) => /^https?:\/\//i.test(u), 'url must be an http or https URL'),
  parent_id: z.string().min(1).default('root'),
  name: z.string().min(1).max(255).optional(),
  tags: uploadTags.optional(),
});
const uploadQuery = z.object({ overwrite: queryFlag(false) });

@Controller('v1/accounts/:accountId/storage/files')
export class FilesController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient, private readonly streams: StreamProxy, private readonly transfers: TransfersService) {}

  /**
   * Upload: the raw body is the file, whatever its Content-Type (SDKs send
   * octet-stream, none, or form-urlencoded), and X-Kloudless-Metadata names it.
   */
  @Post()
  @ApiDoc({
    summary: 'Upload a file (raw body + X-Kloudless-Metadata), or upload from a URL (JSON body)',
    body: urlUploadBody,
    query: uploadQuery,
    rawBody: { contentType: 'application/octet-stream', description: 'The file\'s bytes, with any or no Content-Type, chunked or not; named by X-Kloudless-Metadata.' },
    headers: [{ name: 'X-Kloudless-Metadata', description: 'JSON {"name", "parent_id", "tags"?} for a byte upload.' }, { name: 'X-Kloudless-Async', description: '`true`: a URL upload answers 202 with the Task.' }],
    responses: { 201: { schema: storageObjectSchema, description: 'The new File' }, 202: { description: 'The Task of an asynchronous URL upload' } },
  })
  async upload(@Meta() meta: MessageMeta, @AccountId() accountId: number, @RawData() rawData: boolean, @Req() req: Request, @Res() res: Response): Promise<void> {
    const header = req.header('x-kloudless-metadata');
    if (header === undefined) {
      if (req.body && typeof req.body === 'object' && 'url' in req.body) {
        const body = new ZodPipe(urlUploadBody).transform(req.body);
        const input = { url: body.url, destination: { accountId, parentId: body.parent_id, name: body.name }, rawData, tags: body.tags };
        const answer = await this.transfers.uploadFromUrl(meta, input, wantsTask(req), res);
        res.json(answer);
        return;
      }
      throw new InvalidParametersError('An upload needs the X-Kloudless-Metadata header: {"name": ..., "parent_id": ...}.');
    }
    const metadata = parseMetadata(header);
    const query = new ZodPipe(uploadQuery).transform(req.query);
    await this.streams.forward(req, res, { ...meta, accountId }, 'POST', ['files'], {
      name: metadata.name, parent_id: metadata.parent_id, overwrite: String(query.overwrite), raw: String(rawData),
      ...(metadata.tags ? { tags: JSON.stringify(metadata.tags) } : {}),
    });
  }

  @Get(':fileId')
  @ApiDoc({ summary: 'File metadata', responses: { 200: { schema: storageObjectSchema } } })
  get(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('fileId') fileId: string, @RawData() rawData: boolean) {
    return this.rpc.call(FileGet, { ...meta, accountId }, { fileId, rawData });
  }

  /** Download, streamed; `Range` → 206. */
  @Get(':fileId/contents')
  @ApiDoc({ summary: 'Download the bytes (Range → 206)', headers: [{ name: 'Range', description: 'bytes=start-end' }], responses: { 200: { contentType: 'application/octet-stream', description: 'The file' }, 206: { contentType: 'application/octet-stream', description: 'The range asked' } } })
  async contents(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('fileId') fileId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.streams.forward(req, res, { ...meta, accountId }, 'GET', ['files', fileId, 'contents']);
  }

  /** Replace the contents. */
  @Put(':fileId')
  @ApiDoc({ summary: 'Replace the contents', rawBody: { contentType: 'application/octet-stream', description: 'The new bytes.' }, responses: { 200: { schema: storageObjectSchema } } })
  async replace(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('fileId') fileId: string, @RawData() rawData: boolean, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.streams.forward(req, res, { ...meta, accountId }, 'PUT', ['files', fileId], { raw: String(rawData) });
  }

  @Patch(':fileId')
  @ApiDoc({ summary: 'Rename and/or move', responses: { 200: { schema: storageObjectSchema } } })
  update(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('fileId') id: string, @RawData() rawData: boolean, @Body(new ZodPipe(moveBody)) body: MoveBody) {
    sameAccountOnly(body.account, accountId);
    return this.rpc.call(ObjectUpdate, { ...meta, accountId }, { kind: 'file', id, name: body.name, parentId: body.parent_id, rawData });
  }

  /**
   * Within the account: the service's own copy. Into another account of the app
   * or an upload location: a transfer task (sync, or 202 + Task with
   * X-Kloudless-Async or the picker's `return_type=task`).
   */
  @Post(':fileId/copy')
  @ApiDoc({ summary: 'Copy within the account, or into another account or an upload location (a transfer task)', responses: { 201: { schema: storageObjectSchema }, 202: { description: 'The Task' } } })
  async copy(
    @Meta() meta: MessageMeta,
    @AccountId() accountId: number,
    @Param('fileId') id: string,
    @RawData() rawData: boolean,
    @Body(new ZodPipe(copyBody)) body: CopyBody,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const across = await this.transfers.copyAcross(meta, { kind: 'file', accountId, id, body, rawData }, req, res);
    if (across) return across;
    res.status(201);
    return this.rpc.call(ObjectCopy, { ...meta, accountId }, { kind: 'file', id, parentId: body.parent_id!, name: body.name, rawData });
  }

  @Delete(':fileId')
  @HttpCode(204)
  async delete(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('fileId') id: string): Promise<void> {
    await this.rpc.call(ObjectDelete, { ...meta, accountId }, { kind: 'file', id, recursive: false });
  }
}

function parseMetadata(header: string) {
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    throw new InvalidParametersError('X-Kloudless-Metadata must be a JSON object: {"name": ..., "parent_id": ...}.');
  }
  return new ZodPipe(metadataHeader).transform(value);
}
