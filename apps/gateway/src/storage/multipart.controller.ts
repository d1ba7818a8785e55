import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MultipartAbort, MultipartComplete, MultipartCreate, MultipartGet, RPC_CLIENT, RpcClient, type MessageMeta } from '@app/common';
import { z } from 'zod';
import { AccountId, Meta, RawData } from '../access/caller.decorator';
import { queryFlag } from '../http/query-flags';
import { ZodPipe } from '../http/zod.pipe';
import { StreamProxy } from './stream-proxy.service';
import { ApiDoc } from '../openapi/api-doc.decorator';

const createBody = z.object({
  name: z.string().min(1, 'name is required').max(1024),
  parent_id: z.string().min(1).default('root'),
  size: z.coerce.number().int('size must be an integer').min(0, 'size must be at least 0'),
});
const createQuery = z.object({ overwrite: queryFlag(false) });
const sessionId = z.string().uuid('not a multipart session id');
const partQuery = z.object({ part_number: z.coerce.number().int().min(1, 'part_number must be at least 1') });

/** Chunked uploads (kloudless-node multipart): create, send parts (any order), complete. */
@Controller('v1/accounts/:accountId/storage/multipart')
export class MultipartController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient, private readonly streams: StreamProxy) {}

  @Post()
  @HttpCode(201)
  create(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Body(new ZodPipe(createBody)) body: z.infer<typeof createBody>, @Query(new ZodPipe(createQuery)) query: z.output<typeof createQuery>) {
    return this.rpc.call(MultipartCreate, { ...meta, accountId }, { parentId: body.parent_id, name: body.name, size: body.size, overwrite: query.overwrite });
  }

  @Get(':sessionId')
  get(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('sessionId', new ZodPipe(sessionId)) id: string) {
    return this.rpc.call(MultipartGet, { ...meta, accountId }, { sessionId: id });
  }

  /** One part (`part_number`, 1-based); answers exactly 200. */
  @Put(':sessionId')
  @ApiDoc({ summary: 'Upload one part (answers exactly 200)', query: partQuery, rawBody: { contentType: 'application/octet-stream', description: 'The part\'s bytes, with Content-Length.' } })
  async part(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('sessionId', new ZodPipe(sessionId)) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const partNumber = new ZodPipe(partQuery).transform(req.query).part_number;
    await this.streams.forward(req, res, { ...meta, accountId }, 'PUT', ['multipart', id], { part_number: String(partNumber) });
  }

  @Post(':sessionId/complete')
  @HttpCode(200)
  complete(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('sessionId', new ZodPipe(sessionId)) id: string, @RawData() rawData: boolean) {
    return this.rpc.call(MultipartComplete, { ...meta, accountId }, { sessionId: id, rawData });
  }

  @Delete(':sessionId')
  @HttpCode(204)
  async abort(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('sessionId', new ZodPipe(sessionId)) id: string): Promise<void> {
    await this.rpc.call(MultipartAbort, { ...meta, accountId }, { sessionId: id });
  }
}
