import { InvalidParametersError } from '@app/common';

/** One place a raw request may go: an origin and, for a bucket- or collection-scoped account, the path below which it stays. */
export interface RawRoot {
  /** `scheme://host[:port]` as URL.origin spells it. */
  origin: string;
  /** '' (the whole origin) or '/bucket', '/account/container', '/dav/files/me': no trailing slash. */
  path: string;
}

/** A root from a base URL: its origin and its path without the trailing slash. */
export function rawRoot(base: string | URL): RawRoot {
  const url = new URL(base);
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** Encoded slash, backslash or NUL: a server that decodes them before routing could step out of the root. */
const ENCODED_SEPARATOR = /%(2f|5c|00)/i;

/**
 * Where X-Kloudless-Raw-URI points, confined to the account's own service.
 * A relative URI is resolved below the first root (the API base): `/x` and
 * `x` name `<base>/x`, `?q` the base itself. An absolute one must be http(s)
 * on one of the roots' origins, without userinfo. Either way, once dot
 * segments are removed, the path must stay below the root's path (an account
 * scoped to a bucket reaches no other bucket). Nothing is connected here;
 * the outbound address policy still applies to the connection made after.
 * @throws InvalidParametersError naming what is wrong
 */
export function resolveRawUri(uri: string, roots: readonly RawRoot[]): URL {
  if (uri === '' || uri.length > 8192) throw refuse('X-Kloudless-Raw-URI is required (at most 8192 characters).');
  if (/[\u0000-\u0020\u007f-\u009f\\#]/.test(uri)) throw refuse('X-Kloudless-Raw-URI may not contain spaces, control characters, backslashes or a fragment.');
  const pathPart = uri.split('?')[0];
  if (ENCODED_SEPARATOR.test(pathPart)) throw refuse('X-Kloudless-Raw-URI may not contain encoded slashes, backslashes or NUL in its path.');
  if (uri.startsWith('//')) throw refuse('X-Kloudless-Raw-URI may not be protocol-relative ("//host"): give a path, or an absolute URL of the account\'s service.');

  let url: URL;
  let root: RawRoot | undefined;
  if (SCHEME.test(uri)) {
    try {
      url = new URL(uri);
    } catch {
      throw refuse('X-Kloudless-Raw-URI is not a valid URL.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('X-Kloudless-Raw-URI must be an http(s) URL.');
    if (url.username || url.password) throw refuse('X-Kloudless-Raw-URI may not carry credentials ("user@host").');
    root = roots.find((r) => r.origin === url.origin && within(url.pathname, r.path));
  } else {
    root = roots[0];
    const q = uri.indexOf('?');
    const path = q < 0 ? uri : uri.slice(0, q);
    url = new URL(root.origin);
    // The pathname setter removes dot segments, so `/../other-bucket` shows up as what it is.
    url.pathname = path === '' ? root.path || '/' : `${root.path}${path.startsWith('/') ? '' : '/'}${path}`;
    url.search = q < 0 ? '' : uri.slice(q);
    if (!within(url.pathname, root.path)) root = undefined;
  }
  if (!root) throw refuse(`X-Kloudless-Raw-URI must stay on the account's own service (${roots.map((r) => r.origin + r.path).join(', ')}).`);
  return url;
}

function within(pathname: string, rootPath: string): boolean {
  return rootPath === '' || pathname === rootPath || pathname.startsWith(`${rootPath}/`);
}

function refuse(message: string): InvalidParametersError {
  return new InvalidParametersError(message);
}

/** `raw[name]=value` query parameters added to the URL (only for connectors that declare `rawPassthrough`). */
export function withQuery(url: URL, query: Record<string, string>): URL {
  for (const [name, value] of Object.entries(query)) url.searchParams.append(name, value);
  return url;
}

/** Why an object store account rooted at a prefix takes no raw request: the request could name any key of the bucket or container. */
export const PREFIXED_RAW_REFUSED =
  'Raw requests are not available for an account rooted at a prefix of its bucket or container: they could reach objects outside the account. Connect the bucket or container itself to use them.';
