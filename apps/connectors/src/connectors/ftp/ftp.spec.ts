import { AuthError, NotFoundError, QuotaError, UpstreamError } from '@app/common';
import { validateFtpConfig } from './ftp.config';
import { toAppError, toEntry } from './ftp.mapper';

/** basic-ftp's FTPError carries the reply code. */
const ftpError = (code: number, message: string) => Object.assign(new Error(`${code} ${message}`), { name: 'FTPError', code });

describe('ftp mapper', () => {
  it('maps LIST items', () => {
    expect(toEntry('d/f.csv', { name: 'f.csv', type: 1, size: 9, rawModifiedAt: 'Nov 23 13:50' })).toMatchObject({
      kind: 'file',
      size: 9,
      mimeType: 'text/csv',
      raw: { raw_modified: 'Nov 23 13:50' },
    });
    expect(toEntry('d', { name: 'd', type: 2, size: 4096 })).toMatchObject({ kind: 'folder', size: null });
  });

  it('maps reply codes', () => {
    expect(toAppError(ftpError(530, 'Login incorrect.'))).toBeInstanceOf(AuthError);
    expect(toAppError(ftpError(550, 'Failed to open file.'))).toBeInstanceOf(NotFoundError);
    expect(toAppError(ftpError(552, 'Exceeded storage allocation'))).toBeInstanceOf(QuotaError);
    const busy = toAppError(ftpError(421, 'Too many connections'));
    expect(busy).toBeInstanceOf(UpstreamError);
    expect(busy.retryable).toBe(true);
    expect(toAppError(Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT' }))).toBeInstanceOf(UpstreamError);
  });
});

describe('ftp config', () => {
  const base = { host: 'h', username: 'u', password: 'p' };
  it('defaults to explicit FTPS on port 21 at /', () => {
    expect(validateFtpConfig(base)).toMatchObject({ secure: 'explicit', port: 21, root: '/' });
    expect(validateFtpConfig({ ...base, secure: 'implicit' }).port).toBe(990);
  });
  it('names the bad field', () => {
    expect(() => validateFtpConfig({ ...base, secure: 'tls' })).toThrow(/"secure"/);
    expect(() => validateFtpConfig({ ...base, password: '' })).toThrow(/"password"/);
    expect(() => validateFtpConfig({ ...base, root: 'relative' })).toThrow(/"root"/);
    expect(() => validateFtpConfig({ ...base, port: '21' })).toThrow(/"port"/);
  });
});
