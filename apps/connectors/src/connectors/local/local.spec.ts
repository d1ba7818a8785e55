import { ConflictError, FolderNotEmptyError, InvalidParametersError, NotFoundError, PermissionDeniedError, QuotaError } from '@app/common';
import { validateLocalConfig } from './local.config';
import { resolveInside } from './local.connector';
import { toAppError, toEntry } from './local.mapper';

describe('local connector', () => {
  it('resolves paths inside the root and refuses escapes', () => {
    expect(resolveInside('/data/acct', '')).toBe('/data/acct');
    expect(resolveInside('/data/acct', 'a/b c.txt')).toBe('/data/acct/a/b c.txt');
    for (const bad of ['../acct2/x', 'a/../../x', '/etc/passwd', 'a/./b']) {
      expect(() => resolveInside('/data/acct', bad)).toThrow(InvalidParametersError);
    }
  });

  it('maps fs stats to entries', () => {
    const mtime = new Date('2024-05-01T10:00:00Z');
    const file = toEntry('a/b.pdf', { isDirectory: () => false, size: 42, birthtime: mtime, mtime, mode: 0o100644 });
    expect(file).toMatchObject({ path: 'a/b.pdf', name: 'b.pdf', kind: 'file', size: 42, modified: mtime, mimeType: 'application/pdf' });
    const folder = toEntry('a', { isDirectory: () => true, size: 4096, birthtime: new Date(0), mtime, mode: 0o40755 });
    expect(folder).toMatchObject({ kind: 'folder', size: null, created: null });
  });

  it('maps errno codes to error classes', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(toAppError(err('ENOENT'))).toBeInstanceOf(NotFoundError);
    expect(toAppError(err('EEXIST'))).toBeInstanceOf(ConflictError);
    expect(toAppError(err('ENOTEMPTY'))).toBeInstanceOf(FolderNotEmptyError);
    expect(toAppError(err('EACCES'))).toBeInstanceOf(PermissionDeniedError);
    expect(toAppError(err('ENOSPC'))).toBeInstanceOf(QuotaError);
    expect(toAppError(err('EIO')).retryable).toBe(true);
  });

  it('validates its config', () => {
    expect(validateLocalConfig({ path: '/srv/x' })).toEqual({ path: '/srv/x' });
    expect(() => validateLocalConfig({})).toThrow(/"path"/);
    expect(() => validateLocalConfig({ path: 'relative' })).toThrow(/absolute/);
  });
});
