import { InvalidParametersError } from '../errors';
import { decodeStorageId, encodeStorageId, joinPath, ROOT_ID } from './storage-id';

const enc = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('storage ids', () => {
  it('round-trips paths, including unicode and spaces', () => {
    for (const p of ['a', 'a/b.txt', 'dossier été/naïve file.pdf', '日本/ファイル']) {
      const id = encodeStorageId(p);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeStorageId(id)).toBe(p);
    }
  });

  it('is stable for the same object', () => {
    expect(encodeStorageId('x/y')).toBe(encodeStorageId('x/y'));
  });

  it('maps the root to "root" both ways', () => {
    expect(encodeStorageId('')).toBe(ROOT_ID);
    expect(decodeStorageId('root')).toBe('');
  });

  it.each([
    ['parent segment', enc('../etc/passwd')],
    ['inner parent segment', enc('a/../../b')],
    ['dot segment', enc('a/./b')],
    ['absolute path', enc('/etc/passwd')],
    ['NUL', enc('a\0b')],
    ['backslash', enc('..\\..\\x')],
    ['empty segment', enc('a//b')],
    ['trailing slash', enc('a/')],
    ['percent-encoded separator', '..%2F..%2Fetc'],
    ['standard base64 alphabet', 'YS9i+/=='],
    ['non-canonical base64', 'YR'],
  ])('refuses %s with invalid_parameters', (_why, id) => {
    expect(() => decodeStorageId(id)).toThrow(InvalidParametersError);
  });

  it('refuses names that are not one segment', () => {
    expect(() => joinPath('a', '../b')).toThrow(InvalidParametersError);
    expect(() => joinPath('a', '..')).toThrow(InvalidParametersError);
    expect(joinPath('', 'b')).toBe('b');
    expect(joinPath('a', 'b c')).toBe('a/b c');
  });
});
