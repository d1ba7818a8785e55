import { z } from 'zod';
import { InvalidParametersError } from '@app/common';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Upload-session fragments must be multiples of 320 KiB (all but the last), and below 60 MiB. */
export const FRAGMENT_UNIT = 320 * KiB;
export const MAX_FRAGMENT = 60 * MiB;
/** The simple upload (PUT …:/content) takes files up to 4 MiB. */
export const MAX_SIMPLE_UPLOAD = 4 * MiB;

export interface OnedriveConfig {
  /** The drive's base URL: Microsoft Graph's `/me/drive`. Deployments (and tests) may point it elsewhere. */
  apiUrl: string;
  /** Files up to this many bytes go up in one PUT; larger ones (or of unknown size beyond it) through an upload session. */
  simpleUploadLimit: number;
  /** Bytes per upload-session fragment: a multiple of 320 KiB, at most 60 MiB. */
  uploadChunkSize: number;
  /** How long a server-side copy may take before we give up waiting on its monitor URL. */
  copyTimeoutMs: number;
}

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL')
  .refine((value) => !new URL(value).username && !new URL(value).password, 'must not contain credentials')
  .transform((value) => value.replace(/\/+$/, ''));

const schema = z
  .object({
    apiUrl: httpUrl.default('https://graph.microsoft.com/v1.0/me/drive'),
    simpleUploadLimit: z.number().int().min(0).max(MAX_SIMPLE_UPLOAD).default(MAX_SIMPLE_UPLOAD),
    uploadChunkSize: z
      .number()
      .int()
      .positive()
      .max(MAX_FRAGMENT)
      .refine((n) => n % FRAGMENT_UNIT === 0, `must be a multiple of ${FRAGMENT_UNIT} bytes (320 KiB)`)
      .default(10 * MiB),
    copyTimeoutMs: z.number().int().positive().default(10 * 60_000),
  });

/**
 * The OneDrive connector's settings: only where the API is and how uploads are
 * cut. No credentials: the account's token comes from `deps.tokens`.
 * @throws InvalidParametersError naming the bad field
 */
export function validateOnedriveConfig(raw: unknown): OnedriveConfig {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? `field "${issue.path.join('.')}"` : 'config';
    throw new InvalidParametersError(`skydrive config ${field}: ${issue.message}`);
  }
  return parsed.data;
}
