import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import {
  AccountGet,
  RPC_CLIENT,
  RpcClient,
  UploadLocationCreate,
  UploadLocationDelete,
  UploadLocationGet,
  UploadLocationList,
  UploadLocationUpdate,
  type MessageMeta,
} from '@app/common';
import { Meta } from '../access/caller.decorator';
import { pagingQuery, type PagingQuery } from '../http/paging-query';
import { ZodPipe } from '../http/zod.pipe';

const locationId = z.string().uuid('upload location id must be a UUID');
const accountIdValue = z
  .union([z.number().int(), z.string().regex(/^[1-9][0-9]{0,9}$/, 'account_id must be an account id')])
  .transform(Number)
  .refine((n) => n >= 1 && n <= 2 ** 31 - 1, 'account_id must be an account id');
const createBody = z.object({ account_id: accountIdValue, folder_id: z.string().min(1).max(4096).default('root'), default: z.boolean().optional() });
const updateBody = z
  .object({ folder_id: z.string().min(1).max(4096).optional(), default: z.literal(true, { message: 'default can only be set to true (make another location the default instead)' }).optional() })
  .refine((b) => b.folder_id !== undefined || b.default !== undefined, 'give "folder_id" and/or "default": true');

/**
 * The app's upload locations (seed 000), with its API key: where the File
 * Picker's copy to `upload_location` and presigned uploads land. The account
 * must be one of the app's, which auth confirms before anything is stored.
 */
@Controller('v1/upload_locations')
export class UploadLocationsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  async create(@Meta() meta: MessageMeta, @Body(new ZodPipe(createBody)) body: z.output<typeof createBody>) {
    await this.rpc.call(AccountGet, { ...meta, accountId: body.account_id }, { accountId: body.account_id });
    return this.rpc.call(UploadLocationCreate, meta, { accountId: body.account_id, folderId: body.folder_id, default: body.default });
  }

  @Get()
  list(@Meta() meta: MessageMeta, @Query(new ZodPipe(pagingQuery)) query: PagingQuery) {
    return this.rpc.call(UploadLocationList, meta, query);
  }

  @Get(':locationId')
  get(@Meta() meta: MessageMeta, @Param('locationId', new ZodPipe(locationId)) id: string) {
    return this.rpc.call(UploadLocationGet, meta, { id });
  }

  @Patch(':locationId')
  update(@Meta() meta: MessageMeta, @Param('locationId', new ZodPipe(locationId)) id: string, @Body(new ZodPipe(updateBody)) body: z.output<typeof updateBody>) {
    return this.rpc.call(UploadLocationUpdate, meta, { id, folderId: body.folder_id, default: body.default });
  }

  @Delete(':locationId')
  @HttpCode(204)
  async remove(@Meta() meta: MessageMeta, @Param('locationId', new ZodPipe(locationId)) id: string): Promise<void> {
    await this.rpc.call(UploadLocationDelete, meta, { id });
  }
}
