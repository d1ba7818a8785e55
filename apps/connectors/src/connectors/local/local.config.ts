import { isAbsolute } from 'node:path';
import { InvalidParametersError } from '@app/common';

export interface LocalConfig {
  /** Absolute folder that is the account's root (the caller checks it is inside LOCAL_STORAGE_ROOT). */
  path: string;
}

export function validateLocalConfig(raw: unknown): LocalConfig {
  if (!raw || typeof raw !== 'object') throw new InvalidParametersError('local config must be an object');
  const { path } = raw as Record<string, unknown>;
  if (typeof path !== 'string' || path === '') throw new InvalidParametersError('local config field "path" is required');
  if (!isAbsolute(path)) throw new InvalidParametersError('local config field "path" must be an absolute path');
  if (path.includes('\0')) throw new InvalidParametersError('local config field "path" must not contain NUL');
  return { path };
}
