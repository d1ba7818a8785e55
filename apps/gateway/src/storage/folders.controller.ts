import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { FolderList, RPC_CLIENT, RpcClient, type MessageMeta } from '@app/common';
import { AccountId, Meta, RawData } from '../access/caller.decorator';
import { pagingQuery, type PagingQuery } from '../http/paging-query';
import { ZodPipe } from '../http/zod.pipe';

@Controller('v1/accounts/:accountId/storage/folders')
export class FoldersController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Get(':folderId/contents')
  contents(
    @Meta() meta: MessageMeta,
    @AccountId() accountId: number,
    @Param('folderId') folderId: string,
    @RawData() rawData: boolean,
    @Query(new ZodPipe(pagingQuery)) query: PagingQuery,
  ) {
    return this.rpc.call(FolderList, { ...meta, accountId }, { folderId, rawData, ...query });
  }
}
