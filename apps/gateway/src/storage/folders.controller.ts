import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FolderCreate, FolderGet, FolderList, ObjectCopy, ObjectDelete, ObjectUpdate, RPC_CLIENT, RpcClient, type MessageMeta } from '@app/common';
import { z } from 'zod';
import { AccountId, Meta, RawData } from '../access/caller.decorator';
import { pagingQuery, type PagingQuery } from '../http/paging-query';
import { queryFlag } from '../http/query-flags';
import { ZodPipe } from '../http/zod.pipe';
import { TransfersService, wantsAsync } from '../tasks/transfers.service';
import { copyBody, moveBody, sameAccountOnly, type CopyBody, type MoveBody } from './storage-bodies';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { accountListSchema, accountSchema, storageObjectListSchema, storageObjectSchema } from '../openapi/public-objects.schema';

const createBody = z.object({ name: z.string().min(1, 'name is required').max(1024), parent_id: z.string().min(1).default('root') });
const createQuery = z.object({ conflict_if_exists: queryFlag(false) });
const deleteQuery = z.object({ recursive: queryFlag(false), permanent: queryFlag(false) });

@Controller('v1/accounts/:accountId/storage/folders')
export class FoldersController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient, private readonly transfers: TransfersService) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'Create a folder', responses: { 201: { schema: storageObjectSchema } } })
  create(
    @Meta() meta: MessageMeta,
    @AccountId() accountId: number,
    @RawData() rawData: boolean,
    @Body(new ZodPipe(createBody)) body: z.infer<typeof createBody>,
    @Query(new ZodPipe(createQuery)) query: z.output<typeof createQuery>,
  ) {
    return this.rpc.call(FolderCreate, { ...meta, accountId }, { parentId: body.parent_id, name: body.name, conflictIfExists: query.conflict_if_exists, rawData });
  }

  @Get(':folderId')
  @ApiDoc({ summary: 'Folder metadata (`root` is the root)', responses: { 200: { schema: storageObjectSchema } } })
  get(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('folderId') folderId: string, @RawData() rawData: boolean) {
    return this.rpc.call(FolderGet, { ...meta, accountId }, { folderId, rawData });
  }

  @Get(':folderId/contents')
  @ApiDoc({ summary: 'List a folder', responses: { 200: { schema: storageObjectListSchema } } })
  contents(
    @Meta() meta: MessageMeta,
    @AccountId() accountId: number,
    @Param('folderId') folderId: string,
    @RawData() rawData: boolean,
    @Query(new ZodPipe(pagingQuery)) query: PagingQuery,
  ) {
    return this.rpc.call(FolderList, { ...meta, accountId }, { folderId, rawData, ...query });
  }

  @Patch(':folderId')
  @ApiDoc({ summary: 'Rename and/or move', responses: { 200: { schema: storageObjectSchema } } })
  update(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('folderId') id: string, @RawData() rawData: boolean, @Body(new ZodPipe(moveBody)) body: MoveBody) {
    sameAccountOnly(body.account, accountId);
    return this.rpc.call(ObjectUpdate, { ...meta, accountId }, { kind: 'folder', id, name: body.name, parentId: body.parent_id, rawData });
  }

  /** Within the account: the service's own copy. Into another account or an upload location: a transfer task, file by file. */
  @Post(':folderId/copy')
  @ApiDoc({ summary: 'Copy a folder tree', responses: { 201: { schema: storageObjectSchema }, 202: { description: 'The Task' } } })
  async copy(
    @Meta() meta: MessageMeta,
    @AccountId() accountId: number,
    @Param('folderId') id: string,
    @RawData() rawData: boolean,
    @Body(new ZodPipe(copyBody)) body: CopyBody,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const across = await this.transfers.copyAcross(meta, { kind: 'folder', accountId, id, body, rawData }, req, res);
    if (across) return across;
    res.status(201);
    return this.rpc.call(ObjectCopy, { ...meta, accountId }, { kind: 'folder', id, parentId: body.parent_id!, name: body.name, rawData });
  }

  /** With recursive=true and X-Kloudless-Async: true, a background task (202 + Task); otherwise done before answering 204. */
  @Delete(':folderId')
  @ApiDoc({ summary: 'Delete a folder', headers: [{ name: 'X-Kloudless-Async', description: '`true` with recursive=true: a delete_folder Task (202).' }], responses: { 204: {}, 202: { description: 'The Task' } } })
  async delete(
    @Meta() meta: MessageMeta,
    @AccountId() accountId: number,
    @Param('folderId') id: string,
    @Query(new ZodPipe(deleteQuery)) query: z.output<typeof deleteQuery>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (query.recursive && wantsAsync(req.header('x-kloudless-async'))) return this.transfers.deleteFolder(meta, { source: { accountId, folderId: id } }, res);
    await this.rpc.call(ObjectDelete, { ...meta, accountId }, { kind: 'folder', id, recursive: query.recursive });
    res.status(204);
    return undefined;
  }
}
