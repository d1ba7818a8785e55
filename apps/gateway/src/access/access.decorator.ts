import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route: `public` (health), `admin` (ADMIN_TOKEN), `app` (an API
 * key, or a Bearer token on its own account; the default), `oauth` (public with
 * its own authentication: the OAuth endpoints check the credentials they carry,
 * e.g. `client_secret` inside a form body, themselves).
 */
export type AccessLevel = 'public' | 'admin' | 'app' | 'oauth';
export const ACCESS_KEY = 'access';
export const Access = (level: AccessLevel) => SetMetadata(ACCESS_KEY, level);

/**
 * An app-wide listing a Bearer token may call too, seeing its own account
 * only: the File Picker reads a new token's account with `GET /v1/accounts`.
 */
export const BEARER_SEES_OWN_KEY = 'bearerSeesOwn';
export const BearerSeesOwn = () => SetMetadata(BEARER_SEES_OWN_KEY, true);
