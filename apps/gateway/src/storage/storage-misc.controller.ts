import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { EncodeRawId, RPC_CLIENT, RpcClient, Search, type MessageMeta } from '@app/common';
import { z } from 'zod';
import { AccountId, Meta, RawData } from '../access/caller.decorator';
import { pagingQuery } from '../http/paging-query';
import { ZodPipe } from '../http/zod.pipe';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { storageObjectListSchema } from '../openapi/public-objects.schema';

const searchQuery = z.intersection(z.object({ q: z.string().trim().min(1, 'q is required'), parents: z.string().min(1).optional() }), pagingQuery);
const convertBody = z.object({ raw_id: z.string().min(1, 'raw_id is required'), type: z.string().default('object') });
/** encode_raw_id takes `raw_id` (an id from raw data) or `id` (a decoded upstream id), seed 002. */
const encodeBody = z
  .object({ raw_id: z.string().optional(), id: z.string().optional(), type: z.string().default('object') })
  .refine((b) => b.raw_id !== undefined || b.id !== undefined, 'give "raw_id" or "id"');

@Controller('v1/accounts/:accountId')
export class StorageMiscController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Get('storage/search')
  @ApiDoc({ summary: 'Search by name', responses: { 200: { schema: storageObjectListSchema } } })
  search(@Meta() meta: MessageMeta, @AccountId() accountId: number, @RawData() rawData: boolean, @Query(new ZodPipe(searchQuery)) query: z.output<typeof searchQuery>) {
    return this.rpc.call(Search, { ...meta, accountId }, { q: query.q, parents: query.parents, page: query.page, pageSize: query.pageSize, rawData });
  }

  @Post('storage/convert_id')
  @HttpCode(200)
  convertId(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Body(new ZodPipe(convertBody)) body: z.infer<typeof convertBody>) {
    return this.rpc.call(EncodeRawId, { ...meta, accountId }, { rawId: body.raw_id, type: body.type });
  }

  @Post('encode_raw_id')
  @HttpCode(200)
  encodeRawId(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Body(new ZodPipe(encodeBody)) body: z.infer<typeof encodeBody>) {
    return this.rpc.call(EncodeRawId, { ...meta, accountId }, { rawId: (body.raw_id ?? body.id)!, type: body.type });
  }
}
