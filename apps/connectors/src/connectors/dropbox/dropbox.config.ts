import { z } from 'zod';
import { InvalidParametersError } from '@app/common';

const MiB = 1024 * 1024;
/** Dropbox refuses a request body above 150 MB (`payload_too_large`). */
export const DROPBOX_MAX_REQUEST_BYTES = 150 * MiB;

export interface DropboxConfig {
  /** RPC host (JSON endpoints). */
  apiUrl: string;
  /** Content host (files/download, files/upload, upload sessions). */
  contentUrl: string;
  /**
   * Bytes per upload-session request; also the size up to which a file goes
   * in one files/upload. Dropbox advises multiples of 4 MiB; tests use less.
   */
  uploadChunkSize: number;
}

/** An http(s) URL without credentials, its trailing slashes dropped. */
const httpUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials')
  .transform((value) => value.replace(/\/+$/, ''));

const schema = z.object({
  apiUrl: httpUrl.default('https://api.dropboxapi.com'),
  contentUrl: httpUrl.default('https://content.dropboxapi.com'),
  uploadChunkSize: z.number().int().min(1).max(DROPBOX_MAX_REQUEST_BYTES).default(8 * MiB),
});

/**
 * The Dropbox hosts (the real ones unless a deployment, or a test, points
 * them elsewhere) and the upload chunk size. No credentials: the OAuth token
 * comes from ConnectorDeps.tokens.
 */
export function validateDropboxConfig(raw: unknown): DropboxConfig {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.');
    throw new InvalidParametersError(field ? `dropbox config field "${field}" ${issue.message}` : `dropbox config ${issue.message}`);
  }
  return parsed.data;
}
