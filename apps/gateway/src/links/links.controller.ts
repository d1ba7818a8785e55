import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import type { MessageMeta } from '@app/common';
import { AccountId, Meta } from '../access/caller.decorator';
import { pagingQuery } from '../http/paging-query';
import { queryFlag } from '../http/query-flags';
import { ZodPipe } from '../http/zod.pipe';
import { assertLinkId, createLinkBody, updateLinkBody, type CreateLinkBody, type UpdateLinkBody } from './link-bodies';
import { LinksService } from './links.service';

/** `?active=true|false` filters; without it every link is listed. */
const listQuery = z.intersection(z.object({ active: queryFlag(false).optional() }), pagingQuery);

@Controller('v1/accounts/:accountId/storage/links')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Post()
  @HttpCode(201)
  create(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Body(new ZodPipe(createLinkBody)) body: CreateLinkBody, @Req() req: Request) {
    return this.links.create({ ...meta, accountId }, body, req);
  }

  @Get()
  list(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Query(new ZodPipe(listQuery)) query: z.output<typeof listQuery>, @Req() req: Request) {
    return this.links.list({ ...meta, accountId }, query, req);
  }

  @Get(':linkId')
  get(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('linkId') id: string, @Req() req: Request) {
    return this.links.get({ ...meta, accountId }, assertLinkId(id), req);
  }

  @Patch(':linkId')
  update(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('linkId') id: string, @Body(new ZodPipe(updateLinkBody)) body: UpdateLinkBody, @Req() req: Request) {
    return this.links.update({ ...meta, accountId }, assertLinkId(id), body, req);
  }

  @Delete(':linkId')
  @HttpCode(204)
  async remove(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Param('linkId') id: string): Promise<void> {
    await this.links.remove({ ...meta, accountId }, assertLinkId(id));
  }
}
