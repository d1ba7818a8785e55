import { z } from 'zod';
import { InvalidParametersError } from '@app/common';

/**
 * Where the Box connector sends its requests. No credentials: the account's
 * OAuth token comes from `ConnectorDeps.tokens`. Every field has the real
 * service's default; deployments (and tests, against the fake) override them.
 */
export interface BoxConfig {
  /** Content API, e.g. https://api.box.com/2.0 (no trailing slash). */
  apiUrl: string;
  /** Upload API, e.g. https://upload.box.com/api/2.0 (no trailing slash). */
  uploadUrl: string;
  /**
   * Hosts (`host` or `host:port`; `*.example.com` for any subdomain) that
   * GET /files/{id}/content may redirect a download to. Any other Location is
   * refused, so a redirect never leads the connector elsewhere.
   */
  downloadHosts: string[];
  /** Files of at least this many bytes go through an upload session (Box accepts sessions from 20 MB; recommends them above 50 MB). */
  chunkedUploadThreshold: number;
  /** Parts of an upload session in flight at once (each is held in memory: Box wants its SHA-1 before the bytes). */
  uploadConcurrency: number;
}

const MiB = 1024 * 1024;

export const BOX_DEFAULTS: BoxConfig = {
  apiUrl: 'https://api.box.com/2.0',
  uploadUrl: 'https://upload.box.com/api/2.0',
  downloadHosts: ['*.boxcloud.com'],
  chunkedUploadThreshold: 50 * MiB,
  uploadConcurrency: 2,
};

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL')
  .refine((u) => !new URL(u).username && !new URL(u).password, 'must not contain credentials')
  .transform((u) => u.replace(/\/+$/, ''));

const host = z.string().regex(/^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i, 'must be a host name, optionally with a port');

const schema = z
  .object({
    apiUrl: httpUrl.default(BOX_DEFAULTS.apiUrl),
    uploadUrl: httpUrl.default(BOX_DEFAULTS.uploadUrl),
    downloadHosts: z.array(host).min(1).default(BOX_DEFAULTS.downloadHosts),
    chunkedUploadThreshold: z.number().int().min(1).default(BOX_DEFAULTS.chunkedUploadThreshold),
    uploadConcurrency: z.number().int().min(1).max(16).default(BOX_DEFAULTS.uploadConcurrency),
  })
  .strict();

/** @throws InvalidParametersError naming the bad field */
export function validateBoxConfig(raw: unknown): BoxConfig {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? String(issue.path[0]) : undefined;
    if (issue.code === 'unrecognized_keys') throw new InvalidParametersError(`box config has unknown fields: ${issue.keys.join(', ')}`);
    throw new InvalidParametersError(field ? `box config field "${field}" ${issue.message}` : `box config ${issue.message}`);
  }
  return parsed.data;
}

/** Whether `url` is on one of `hosts` (exact `host[:port]`, or `*.domain` for its subdomains, on the default port). */
export function isAllowedHost(url: URL, hosts: string[]): boolean {
  return hosts.some((h) => {
    const pattern = h.toLowerCase();
    if (!pattern.startsWith('*.')) return url.host.toLowerCase() === pattern;
    return url.port === '' && url.hostname.toLowerCase().endsWith(pattern.slice(1));
  });
}
