import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { AccountCreate, AccountDelete, AccountGet, AccountList, RPC_CLIENT, RpcClient, type MessageMeta } from '@app/common';
import type { z } from 'zod';
import { AccountId, Meta } from '../access/caller.decorator';
import { pagingQuery, type PagingQuery } from '../http/paging-query';
import { ZodPipe } from '../http/zod.pipe';

@Controller('v1/accounts')
export class AccountsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  create(@Meta() meta: MessageMeta, @Body(new ZodPipe(AccountCreate.request)) body: z.infer<typeof AccountCreate.request>) {
    return this.rpc.call(AccountCreate, meta, body);
  }

  @Get()
  list(@Meta() meta: MessageMeta, @Query(new ZodPipe(pagingQuery)) query: PagingQuery) {
    return this.rpc.call(AccountList, meta, query);
  }

  @Get(':accountId')
  get(@Meta() meta: MessageMeta, @AccountId() accountId: number) {
    return this.rpc.call(AccountGet, meta, { accountId });
  }

  @Delete(':accountId')
  @HttpCode(204)
  async delete(@Meta() meta: MessageMeta, @AccountId() accountId: number): Promise<void> {
    await this.rpc.call(AccountDelete, meta, { accountId });
  }
}
