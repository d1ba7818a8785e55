import {
  AuthError,
  InvalidParametersError,
  InvalidRangeError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UpstreamError,
} from '@app/common';
import { validateS3CompatibleConfig, validateS3Config } from './s3.config';
import { fileEntry, folderEntry, parseContentRange, toAppError } from './s3.mapper';

/** Shapes as the AWS SDK v3 throws them (recorded from s3rver and AWS). */
const sdkError = (name: string, status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(name), { name, Code: name, $metadata: { httpStatusCode: status }, $response: { headers } });

describe('s3 mapper', () => {
  it('maps a ListObjectsV2 item to a file entry', () => {
    const modified = new Date('2024-01-02T03:04:05Z');
    expect(fileEntry('docs/a b.txt', { Key: 'root/docs/a b.txt', Size: 12, LastModified: modified, ETag: '"abc"', StorageClass: 'STANDARD' })).toEqual({
      path: 'docs/a b.txt',
      name: 'a b.txt',
      kind: 'file',
      size: 12,
      created: null,
      modified,
      mimeType: 'text/plain',
      raw: { etag: '"abc"', storage_class: 'STANDARD' },
    });
    expect(folderEntry('docs/sub')).toMatchObject({ name: 'sub', kind: 'folder', size: null });
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 3-7/20')).toEqual({ start: 3, end: 7, total: 20 });
    expect(parseContentRange(undefined)).toBeUndefined();
  });

  it('maps SDK errors', () => {
    expect(toAppError(sdkError('NoSuchKey', 404))).toBeInstanceOf(NotFoundError);
    expect(toAppError(sdkError('NoSuchBucket', 404)).message).toMatch(/bucket/);
    expect(toAppError(sdkError('InvalidAccessKeyId', 403))).toBeInstanceOf(AuthError);
    expect(toAppError(sdkError('SignatureDoesNotMatch', 403))).toBeInstanceOf(AuthError);
    expect(toAppError(sdkError('AccessDenied', 403))).toBeInstanceOf(PermissionDeniedError);
    expect(toAppError(sdkError('InvalidRange', 416))).toBeInstanceOf(InvalidRangeError);
    const slow = toAppError(sdkError('SlowDown', 503, { 'retry-after': '7' }));
    expect(slow).toBeInstanceOf(RateLimitError);
    expect(slow.retryable).toBe(false);
    expect(slow.extra.retryAfter).toBe(7);
    const internal = toAppError(sdkError('InternalError', 500));
    expect(internal).toBeInstanceOf(UpstreamError);
    expect(internal.retryable).toBe(true);
    expect(toAppError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBeInstanceOf(UpstreamError);
  });
});

describe('s3 config', () => {
  const base = { bucket: 'my-bucket', region: 'eu-west-1', accessKeyId: 'AKIA', secretAccessKey: 'secret' };
  it('accepts and normalises', () => {
    expect(validateS3Config({ ...base, prefix: '/a/b' })).toMatchObject({ prefix: 'a/b/' });
    expect(validateS3CompatibleConfig({ ...base, endpoint: 'http://127.0.0.1:9000' })).toMatchObject({ forcePathStyle: true });
  });
  it('names the bad field', () => {
    expect(() => validateS3Config({ ...base, bucket: '' })).toThrow(/"bucket"/);
    expect(() => validateS3Config({ ...base, region: undefined })).toThrow(/"region"/);
    expect(() => validateS3CompatibleConfig(base)).toThrow(/"endpoint"/);
    expect(() => validateS3Config({ ...base, endpoint: 'ftp://x' })).toThrow(/"endpoint"/);
    expect(() => validateS3Config({ ...base, prefix: 'a/../b' })).toThrow(InvalidParametersError);
    expect(() => validateS3Config({ ...base, forcePathStyle: 'yes' })).toThrow(/"forcePathStyle"/);
  });
  it('does not echo secrets in messages', () => {
    try {
      validateS3Config({ ...base, bucket: 'Not A Bucket!' });
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });
});
