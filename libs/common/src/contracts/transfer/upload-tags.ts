import { z } from 'zod';

export const MAX_UPLOAD_TAGS = 10;

/** The stored and published shape: returned exactly as given, in upload responses and the `file.uploaded` event. */
export const uploadTagsRecord = z
  .record(z.string().min(1).max(128, 'upload tag keys are at most 128 characters'), z.string().max(256, 'upload tag values are at most 256 characters'))
  .refine((tags) => Object.keys(tags).length <= MAX_UPLOAD_TAGS, `at most ${MAX_UPLOAD_TAGS} upload tags per upload`);

/**
 * Upload tags (seed 004): at most 10 string → string pairs, keys unique, a key
 * at most 128 characters and a value at most 256. Given as an object, or as a
 * list of `{ key, value }` (where a repeated key is an error, not "last wins").
 */
export const uploadTags = z
  .union([
    z.record(z.string(), z.string({ message: 'tag values must be strings' })),
    z.array(z.object({ key: z.string(), value: z.string({ message: 'tag values must be strings' }) })).transform((list, ctx) => {
      const tags: Record<string, string> = {};
      for (const { key, value } of list) {
        if (key in tags) ctx.addIssue({ code: 'custom', message: `tag key "${key.slice(0, 128)}" is given twice` });
        tags[key] = value;
      }
      return tags;
    }),
  ])
  .superRefine((tags, ctx) => {
    const keys = Object.keys(tags);
    if (keys.length > MAX_UPLOAD_TAGS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_UPLOAD_TAGS} tags (got ${keys.length})` });
    for (const key of keys) {
      if (key.length === 0 || key.length > 128) ctx.addIssue({ code: 'custom', message: `tag keys must be 1 to 128 characters ("${key.slice(0, 32)}…" is ${key.length})` });
      if (tags[key].length > 256) ctx.addIssue({ code: 'custom', message: `the value of tag "${key.slice(0, 32)}" is longer than 256 characters` });
    }
  });
export type UploadTags = z.infer<typeof uploadTagsRecord>;
