import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { AccountCreate, AccountDelete, AccountGet, AccountList, CapabilitiesGet, NotFoundError, objectList, RPC_CLIENT, RpcClient, type MessageMeta } from '@app/common';
import { BearerSeesOwn } from '../access/access.decorator';
import { z } from 'zod';
import { BearerGrants } from '../access/bearer-grants.service';
import { AccountId, Meta } from '../access/caller.decorator';
import { pagingQuery, type PagingQuery } from '../http/paging-query';
import { queryFlag } from '../http/query-flags';
import { ZodPipe } from '../http/zod.pipe';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { accountListSchema, accountSchema } from '../openapi/public-objects.schema';

const getQuery = z.object({ retrieve_full: queryFlag(false) });

@Controller('v1/accounts')
export class AccountsController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient, private readonly bearer: BearerGrants) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'Connect an account with credentials', responses: { 201: { schema: accountSchema } } })
  create(@Meta() meta: MessageMeta, @Body(new ZodPipe(AccountCreate.request)) body: z.infer<typeof AccountCreate.request>) {
    return this.rpc.call(AccountCreate, meta, body);
  }

  /** With a Bearer token: a list of its own account (the File Picker reads a new token's account this way). */
  @Get()
  @ApiDoc({ summary: 'The app\'s accounts (with a Bearer token: its one account)', responses: { 200: { schema: accountListSchema } } })
  @BearerSeesOwn()
  async list(@Meta() meta: MessageMeta, @Query(new ZodPipe(pagingQuery)) query: PagingQuery, @Req() req: Request) {
    const own = req.caller?.accountId;
    if (own === undefined) return this.rpc.call(AccountList, meta, query);
    if (query.page > 1) throw new NotFoundError(`Page ${query.page} is past the last page.`);
    return objectList('meta', [await this.rpc.call(AccountGet, meta, { accountId: own })], 1, false, 1);
  }

  /** `retrieve_full=true` adds `apis` and `properties.capabilities`, from the connector's declared features. */
  @Get(':accountId')
  @ApiDoc({ summary: 'One account', responses: { 200: { schema: accountSchema } } })
  async get(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Query(new ZodPipe(getQuery)) query: z.output<typeof getQuery>) {
    const account = await this.rpc.call(AccountGet, meta, { accountId });
    if (!query.retrieve_full) return account;
    const { apis, capabilities } = await this.rpc.call(CapabilitiesGet, meta, { service: account.service });
    return { ...account, apis, properties: { capabilities } };
  }

  @Delete(':accountId')
  @HttpCode(204)
  async delete(@Meta() meta: MessageMeta, @AccountId() accountId: number): Promise<void> {
    await this.rpc.call(AccountDelete, meta, { accountId });
    // Its tokens went with it in auth; drop this instance's cached grants too.
    this.bearer.forgetAccount(meta.appId, accountId);
  }
}
