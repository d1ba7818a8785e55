import { AuthError, ConflictError, InvalidRangeError, NotFoundError, PermissionDeniedError, RateLimitError, UpstreamError } from '@app/common';
import { validateAzureConfig } from './azure.config';
import { fileEntry, toAppError } from './azure.mapper';

/** Shape of @azure/storage-blob's RestError. */
const restError = (code: string, statusCode: number) => Object.assign(new Error(code), { name: 'RestError', code, statusCode });

describe('azure mapper', () => {
  it('maps blob properties to a file entry', () => {
    const lastModified = new Date('2024-02-03T00:00:00Z');
    const entry = fileEntry('x/é.json', { contentLength: 3, lastModified, createdOn: lastModified, contentType: 'application/json', etag: '"0x1"' });
    expect(entry).toMatchObject({ path: 'x/é.json', name: 'é.json', kind: 'file', size: 3, mimeType: 'application/json', created: lastModified });
  });

  it('maps RestErrors', () => {
    expect(toAppError(restError('BlobNotFound', 404))).toBeInstanceOf(NotFoundError);
    expect(toAppError(restError('ContainerNotFound', 404)).message).toMatch(/container/);
    expect(toAppError(restError('AuthenticationFailed', 403))).toBeInstanceOf(AuthError);
    expect(toAppError(restError('AuthorizationPermissionMismatch', 403))).toBeInstanceOf(PermissionDeniedError);
    expect(toAppError(restError('BlobAlreadyExists', 409))).toBeInstanceOf(ConflictError);
    expect(toAppError(restError('InvalidRange', 416))).toBeInstanceOf(InvalidRangeError);
    expect(toAppError(restError('ServerBusy', 503))).toBeInstanceOf(RateLimitError);
    expect(toAppError(restError('InternalError', 500)).retryable).toBe(true);
    expect(toAppError(Object.assign(new Error('x'), { code: 'REQUEST_SEND_ERROR' }))).toBeInstanceOf(UpstreamError);
  });
});

describe('azure config', () => {
  it('accepts a connection string or an account and key', () => {
    expect(validateAzureConfig({ connectionString: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b', container: 'files' })).toMatchObject({ container: 'files' });
    expect(validateAzureConfig({ accountName: 'acct', accountKey: 'a2V5', container: 'files', prefix: 'p' })).toMatchObject({ prefix: 'p/' });
  });
  it('names the bad field', () => {
    expect(() => validateAzureConfig({ accountName: 'acct', accountKey: 'a2V5' })).toThrow(/"container"/);
    expect(() => validateAzureConfig({ accountName: 'acct', container: 'files' })).toThrow(/"accountKey"/);
    expect(() => validateAzureConfig({ accountName: 'acct', accountKey: 'a2V5', container: 'Bad_Name' })).toThrow(/"container"/);
    expect(() => validateAzureConfig({ connectionString: 'nonsense', container: 'files' })).toThrow(/"connectionString"/);
    expect(() => validateAzureConfig({ accountName: 'a', accountKey: 'a2V5', container: 'files', endpoint: 'nope' })).toThrow(/"endpoint"/);
  });
});
