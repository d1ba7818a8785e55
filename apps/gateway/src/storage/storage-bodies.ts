import { z } from 'zod';
import { AppError, uploadTags } from '@app/common';

/** PATCH body of files and folders: rename and/or move. `account` (node SDK) must be this account. */
export const moveBody = z
  .object({ name: z.string().min(1).max(1024).optional(), parent_id: z.string().min(1).optional(), account: z.union([z.string(), z.number()]).optional() })
  .refine((b) => b.name !== undefined || b.parent_id !== undefined, 'give "name" and/or "parent_id"');
export type MoveBody = z.infer<typeof moveBody>;

/**
 * POST …/copy. `account` is another account of the app, or the literal
 * `upload_location` (the File Picker), which also takes `drop_account` (the
 * location's account) and then reads `parent_id` as the location's folder.
 */
export const copyBody = z
  .object({
    parent_id: z.string().min(1).optional(),
    name: z.string().min(1).max(1024).optional(),
    account: z.union([z.string(), z.number()]).optional(),
    drop_account: z.union([z.string(), z.number()]).optional(),
    /** Upload tags for the file the copy writes (seed 004), echoed in the answer and in file.uploaded. */
    tags: uploadTags.optional(),
  })
  .refine((b) => b.parent_id !== undefined || b.account === 'upload_location', { message: 'parent_id is required', path: ['parent_id'] });
export type CopyBody = z.infer<typeof copyBody>;

/** Copies and moves to another account are background transfers, not part of this call. */
export function sameAccountOnly(account: string | number | undefined, accountId: number): void {
  if (account === undefined || String(account) === String(accountId)) return;
  throw new AppError('not_implemented', 'Copying or moving to another account (or an upload location) runs as a transfer task, which is not available yet.');
}
