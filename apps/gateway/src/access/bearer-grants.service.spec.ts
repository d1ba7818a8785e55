import { AppError } from '@app/common';
import { bearerAccountPath } from './bearer-grants.service';

describe('bearerAccountPath', () => {
  const grant = { appId: 'app_1', accountId: 42, scope: 'gdrive:normal.storage' };

  it.each(['me', '42'])('routes %s to the token\'s own account', (segment) => {
    expect(bearerAccountPath(grant, segment)).toBe('42');
  });

  it.each(['43', '1'])('refuses account %s with 403 forbidden', (segment) => {
    expect(() => bearerAccountPath(grant, segment)).toThrow(expect.objectContaining({ code: 'forbidden', statusCode: 403 }) as AppError);
  });

  it('refuses routes without an account (app-wide calls need the API key)', () => {
    expect(() => bearerAccountPath(grant, undefined)).toThrow(/API key/);
  });
});
