import { z } from 'zod';
import { uploadTagsRecord } from './upload-tags';

/**
 * The transfer service's part commands to the connectors service, over its
 * internal HTTP endpoint (`/internal/v1/transfers/*`, INTERNAL_TOKEN): the
 * transfer service plans and orders the parts, connectors move the bytes.
 * Both sides parse with these schemas.
 */
const accountId = z.number().int().positive();
/** A connector's locator (the path below the root on path-addressed services); a `target` is "<folder locator>/<name>". */
const path = z.string().max(4096);
const byteCount = z.number().int().nonnegative();

/** A destination connector's upload state (ChunkWriter.state). */
export const uploadStateSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type UploadStateJson = z.infer<typeof uploadStateSchema>;

export const partLimitsSchema = z.object({ minPartSize: byteCount, maxPartSize: byteCount, maxParts: z.number().int().positive() });
export type PartLimitsJson = z.infer<typeof partLimitsSchema>;

export const partSpecSchema = z.object({ number: z.number().int().positive(), offset: byteCount, size: z.number().int().positive() });
export const partReceiptSchema = z.object({ etag: z.string().optional(), md5: z.string().optional() });
export type PartReceiptJson = z.infer<typeof partReceiptSchema>;

/** Resolves a copy's source and target and, for a file above `chunkAbove` bytes into a destination with chunked writes, opens the upload. */
export const preparePartsRequest = z.object({
  source: z.object({ accountId, fileId: z.string().min(1).max(4096) }),
  destination: z.object({ accountId, parentId: z.string().min(1).max(4096), name: z.string().min(1).max(255).optional() }),
  /** Names the upload upstream (the task id). */
  uploadKey: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  chunkAbove: byteCount,
});
export type PreparePartsRequest = z.infer<typeof preparePartsRequest>;

/** What prepare answers: where the bytes come from and go, and the open upload (null: copy in one stream). */
export const preparedParts = z.object({
  source: z.object({ path, size: byteCount, mimeType: z.string().optional() }),
  target: path,
  upload: z.object({ state: uploadStateSchema, limits: partLimitsSchema }).nullable(),
});
export type PreparedParts = z.infer<typeof preparedParts>;

const destination = z.object({ accountId, path, size: byteCount });

/** One part: a ranged read of the source written as part `part.number` of the upload. Answered as NDJSON progress, then `{receipt}` or `{error}`. */
export const copyPartRequest = z.object({
  source: z.object({ accountId, path }),
  destination,
  upload: uploadStateSchema,
  part: partSpecSchema,
});
export type CopyPartRequest = z.infer<typeof copyPartRequest>;

/** Commits the upload from its parts; answered `{result: File}` or `{error}`. */
export const completePartsRequest = z.object({
  destination,
  upload: uploadStateSchema,
  parts: z.array(partSpecSchema.extend({ receipt: partReceiptSchema })).max(100_000),
  rawData: z.boolean().default(false),
  tags: uploadTagsRecord.optional(),
  /** The account the bytes came from (its service is the `client` of file.uploaded). */
  sourceAccountId: z.number().int().positive().optional(),
});
export type CompletePartsRequest = z.infer<typeof completePartsRequest>;

/** Drops the upload (a cancelled task); answered `{result: {aborted: true}}` or `{error}`. */
export const abortPartsRequest = z.object({ destination, upload: uploadStateSchema });
export type AbortPartsRequest = z.infer<typeof abortPartsRequest>;
