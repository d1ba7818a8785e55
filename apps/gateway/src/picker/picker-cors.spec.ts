import type { Request } from 'express';
import { appNamedBy } from './picker-cors';

const req = (path: string, query: Record<string, unknown> = {}) => ({ path, query }) as unknown as Request;

describe('appNamedBy', () => {
  it('reads the app from the drop path and from app_id on the picker\'s public routes only', () => {
    expect(appNamedBy(req('/drop/app-1'))).toBe('app-1');
    expect(appNamedBy(req('/v1/public/services', { app_id: 'app-2' }))).toBe('app-2');
    expect(appNamedBy(req('/file-picker/config', { app_id: 'app-3' }))).toBe('app-3');
    // Elsewhere app_id means nothing: the app is the caller's.
    expect(appNamedBy(req('/v1/accounts', { app_id: 'app-4' }))).toBeUndefined();
    expect(appNamedBy(req('/v1/public/services', { app_id: ['a', 'b'] }))).toBeUndefined();
  });
});
