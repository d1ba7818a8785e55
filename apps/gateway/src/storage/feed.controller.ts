import { Controller, Get, Inject, Query } from '@nestjs/common';
import { EventsLatest, EventsList, MAX_PAGE_SIZE, RecentList, RPC_CLIENT, RpcClient, type MessageMeta } from '@app/common';
import { z } from 'zod';
import { AccountId, Meta } from '../access/caller.decorator';
import { pagingQuery } from '../http/paging-query';
import { ZodPipe } from '../http/zod.pipe';

const eventsQuery = z.object({
  cursor: z.string().max(64, 'cursor: not a cursor').optional(),
  page_size: z.coerce
    .number({ message: 'page_size must be an integer' })
    .int('page_size must be an integer')
    .min(1, 'page_size must be at least 1')
    .max(MAX_PAGE_SIZE, `page_size must be at most ${MAX_PAGE_SIZE}`)
    .optional(),
});

/** `after` that is not an ISO timestamp gives an empty list, as Kloudless did (null tells connectors so). */
const recentQuery = z.intersection(z.object({ after: z.string().optional() }), pagingQuery).transform((q) => ({
  page: q.page,
  pageSize: q.pageSize,
  after: q.after === undefined ? undefined : Number.isNaN(Date.parse(q.after)) || !/^\d{4}-\d{2}-\d{2}/.test(q.after) ? null : new Date(q.after).toISOString(),
}));

/** The change feed and the recent list (KLOUDLESS-API.md §2), kept by the connectors service. */
@Controller('v1/accounts/:accountId')
export class FeedController {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

  @Get('events')
  list(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Query(new ZodPipe(eventsQuery)) query: z.output<typeof eventsQuery>) {
    return this.rpc.call(EventsList, { ...meta, accountId }, { cursor: query.cursor, pageSize: query.page_size });
  }

  @Get('events/latest')
  latest(@Meta() meta: MessageMeta, @AccountId() accountId: number) {
    return this.rpc.call(EventsLatest, { ...meta, accountId }, {});
  }

  @Get('storage/recent')
  recent(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Query(new ZodPipe(recentQuery)) query: z.output<typeof recentQuery>) {
    return this.rpc.call(RecentList, { ...meta, accountId }, query);
  }
}
