import { z } from 'zod';
import { pagingSchema } from '@app/common';

/** `?page=&page_size=` as Kloudless clients send them, validated with the public parameter names. */
export const pagingQuery = z.object({ page: z.string().optional(), page_size: z.string().optional() }).transform((q, ctx) => {
  const parsed = pagingSchema.safeParse({ page: q.page, pageSize: q.page_size });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: [issue.path[0] === 'pageSize' ? 'page_size' : 'page'] });
    }
    return z.NEVER;
  }
  return parsed.data;
});
export type PagingQuery = z.output<typeof pagingQuery>;
