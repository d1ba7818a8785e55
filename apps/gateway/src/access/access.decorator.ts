import { SetMetadata } from '@nestjs/common';

/** Who may call a route: `public` (health), `admin` (ADMIN_TOKEN), `app` (an API key; the default). */
export type AccessLevel = 'public' | 'admin' | 'app';
export const ACCESS_KEY = 'access';
export const Access = (level: AccessLevel) => SetMetadata(ACCESS_KEY, level);
