import { z } from 'zod';
import { InvalidParametersError } from '@app/common';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Google's upload servers take resumable chunks in multiples of 256 KiB (all but the last). */
export const CHUNK_GRANULE = 256 * KiB;

/**
 * Where the Drive API lives, and how uploads are cut. No credentials: the
 * account's token comes from ConnectorDeps.tokens. Deployments (and tests)
 * may point the URLs elsewhere, e.g. at the fake.
 */
export interface GdriveConfig {
  /** Metadata endpoints: `${apiUrl}/files`. */
  apiUrl: string;
  /** Content uploads: `${uploadUrl}/files?uploadType=…`. */
  uploadUrl: string;
  /** Files up to this size (when known up front, or once the stream ends before it) go in one request; larger ones through a resumable session. */
  resumableThreshold: number;
  /** Bytes per PUT of a resumable session; a multiple of 256 KiB. */
  chunkSize: number;
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .refine(isHttpUrl, 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

const schema = z
  .object({
    apiUrl: httpUrl.default('https://www.googleapis.com/drive/v3'),
    uploadUrl: httpUrl.default('https://www.googleapis.com/upload/drive/v3'),
    resumableThreshold: z.number().int().min(0).max(256 * MiB).default(5 * MiB),
    chunkSize: z
      .number()
      .int()
      .min(CHUNK_GRANULE)
      .max(1024 * MiB)
      .refine((n) => n % CHUNK_GRANULE === 0, 'must be a multiple of 256 KiB')
      .default(8 * MiB),
  })
  .strict();

export function validateGdriveConfig(raw: unknown): GdriveConfig {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || 'config';
    throw new InvalidParametersError(`gdrive config field "${field}" ${issue.message}`);
  }
  return parsed.data;
}
