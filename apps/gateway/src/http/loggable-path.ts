/** Paths whose last segment is a credential: a shared link's token, a signed upload or download URL's token. */
const CREDENTIAL_PATHS = /^(\/v1\/links|\/v1\/files\/uploads|\/v1\/files\/downloads)\/[^/]+/;

/** The request path as logs may show it: a token in the path is replaced by `:token`, so logs never hold a working URL. */
export function loggablePath(path: string): string {
  return path.replace(CREDENTIAL_PATHS, '$1/:token');
}
