import { z } from 'zod';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** `page` (1-based) and `page_size` as Kloudless clients send them (strings in a query). */
export const pagingSchema = z.object({
  page: z.coerce.number().int().min(1, 'page must be an integer of at least 1').default(1),
  pageSize: z.coerce
    .number()
    .int()
    .min(1, 'page_size must be at least 1')
    .max(MAX_PAGE_SIZE, `page_size must be at most ${MAX_PAGE_SIZE}`)
    .default(DEFAULT_PAGE_SIZE),
});
export type Paging = z.infer<typeof pagingSchema>;
