import { AuthError, NotFoundError, PermissionDeniedError, UpstreamError } from '@app/common';
import { validateSftpConfig } from './sftp.config';
import { toAppError, toEntry } from './sftp.mapper';

describe('sftp mapper', () => {
  it('maps list items and stat results', () => {
    expect(toEntry('a/b.txt', { type: '-', size: 5, modifyTime: 1700000000000 })).toMatchObject({
      name: 'b.txt',
      kind: 'file',
      size: 5,
      modified: new Date(1700000000000),
      mimeType: 'text/plain',
    });
    expect(toEntry('a', { isDirectory: true, size: 4096, modifyTime: 0, mode: 0o40755 })).toMatchObject({ kind: 'folder', size: null, modified: null });
  });

  it('maps ssh2 / ssh2-sftp-client errors', () => {
    expect(toAppError(Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' }))).toBeInstanceOf(AuthError);
    expect(toAppError(Object.assign(new Error('stat: No such file'), { code: 2 }))).toBeInstanceOf(NotFoundError);
    expect(toAppError(Object.assign(new Error('_xstat: No such file: /x'), { code: 'ENOENT' }))).toBeInstanceOf(NotFoundError);
    expect(toAppError(Object.assign(new Error('Permission denied'), { code: 3 }))).toBeInstanceOf(PermissionDeniedError);
    expect(toAppError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBeInstanceOf(UpstreamError);
  });
});

describe('sftp config', () => {
  const base = { host: 'h', username: 'u', password: 'p' };
  it('defaults the port and root', () => {
    expect(validateSftpConfig(base)).toMatchObject({ port: 22, root: '' });
    expect(validateSftpConfig({ ...base, password: undefined, privateKey: 'KEY', root: '/srv/files/' })).toMatchObject({ root: '/srv/files' });
  });
  it('names the bad field', () => {
    expect(() => validateSftpConfig({ ...base, host: '' })).toThrow(/"host"/);
    expect(() => validateSftpConfig({ ...base, port: 70000 })).toThrow(/"port"/);
    expect(() => validateSftpConfig({ host: 'h', username: 'u' })).toThrow(/"password" or "privateKey"/);
    expect(() => validateSftpConfig({ ...base, root: '/a/../b' })).toThrow(/"root"/);
    expect(() => validateSftpConfig({ ...base, hostKeySha256: 'xyz' })).toThrow(/"hostKeySha256"/);
  });
});
