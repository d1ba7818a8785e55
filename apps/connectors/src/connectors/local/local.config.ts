import { isAbsolute } from 'node:path';
import { InvalidParametersError } from '@app/common';

export interface LocalConfig {
  /** Absolute folder that is the account's root. */
  path: string;
  /**
   * Absolute folder the account may never leave, symlinks followed (the app's
   * own directory); checked on every call, so a folder swapped for a link
   * after the account was made leads nowhere. Defaults to `path`.
   */
  jail?: string;
}

export function validateLocalConfig(raw: unknown): LocalConfig {
  if (!raw || typeof raw !== 'object') throw new InvalidParametersError('local config must be an object');
  const { path, jail } = raw as Record<string, unknown>;
  if (typeof path !== 'string' || path === '') throw new InvalidParametersError('local config field "path" is required');
  if (!isAbsolute(path)) throw new InvalidParametersError('local config field "path" must be an absolute path');
  if (path.includes('\0')) throw new InvalidParametersError('local config field "path" must not contain NUL');
  if (jail !== undefined && (typeof jail !== 'string' || !isAbsolute(jail) || jail.includes('\0'))) {
    throw new InvalidParametersError('local config field "jail" must be an absolute path');
  }
  return jail === undefined ? { path } : { path, jail };
}
