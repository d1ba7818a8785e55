import { AppError } from '@app/common';
import { parsePresignRequest } from './presign-request';

describe('parsePresignRequest', () => {
  const limits = { maxBytes: 1000, allowedTypes: ['image/*', 'application/pdf'] };
  const ok = { filename: 'cat.png', contentType: 'image/png', size: 10 };
  const codeOf = (body: unknown) => {
    try {
      parsePresignRequest(body, limits);
      return 'ok';
    } catch (err) {
      return (err as AppError).code;
    }
  };

  it('accepts a valid request, tags as an object or a list', () => {
    expect(parsePresignRequest({ ...ok, tags: { team: 'a' } }, limits)).toEqual({ ...ok, tags: { team: 'a' } });
    expect(parsePresignRequest({ ...ok, tags: [{ key: 'team', value: 'a' }] }, limits).tags).toEqual({ team: 'a' });
  });

  it.each([['a/b.png'], ['..'], [' lead.png'], ['tab\t.png'], [''], ['x'.repeat(256)], [42]])('refuses the name %p with file/invalid-name', (filename) => {
    expect(codeOf({ ...ok, filename })).toBe('file/invalid-name');
  });

  it('refuses sizes over the limit with file/file-too-large, nonsense sizes with invalid_parameters', () => {
    expect(codeOf({ ...ok, size: 1001 })).toBe('file/file-too-large');
    expect(codeOf({ ...ok, size: 0 })).toBe('invalid_parameters');
    expect(codeOf({ ...ok, size: '10' })).toBe('invalid_parameters');
  });

  it('refuses malformed and unaccepted types with file/invalid-format', () => {
    expect(codeOf({ ...ok, contentType: 'png' })).toBe('file/invalid-format');
    expect(codeOf({ ...ok, contentType: 'text/html' })).toBe('file/invalid-format');
    expect(codeOf({ ...ok, contentType: 'application/pdf' })).toBe('ok');
  });

  it('holds tags to 10 pairs, unique keys of ≤ 128 and values of ≤ 256 characters', () => {
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    expect(codeOf({ ...ok, tags: eleven })).toBe('invalid_parameters');
    expect(codeOf({ ...ok, tags: { ['k'.repeat(129)]: 'v' } })).toBe('invalid_parameters');
    expect(codeOf({ ...ok, tags: { k: 'v'.repeat(257) } })).toBe('invalid_parameters');
    expect(codeOf({ ...ok, tags: [{ key: 'k', value: '1' }, { key: 'k', value: '2' }] })).toBe('invalid_parameters');
    expect(codeOf({ ...ok, tags: { k: 5 } })).toBe('invalid_parameters');
    expect(codeOf({ ...ok, tags: { ['k'.repeat(128)]: 'v'.repeat(256) } })).toBe('ok');
  });
});
