import { AppError } from '@app/common';
import { verifyPart } from './parts';

describe('verifyPart', () => {
  const part = { number: 3, offset: 0, size: 10 };
  const sent = '9e107d9d372bb6826bd81d3542a419d6';

  it('passes when the service reports the MD5 of what was sent, or reports none', () => {
    expect(() => verifyPart(part, { etag: `"${sent}"`, md5: sent }, sent)).not.toThrow();
    expect(() => verifyPart(part, { etag: 'opaque-kms-etag' }, sent)).not.toThrow();
    expect(() => verifyPart(part, {}, sent)).not.toThrow();
  });

  it('refuses a part the service stored differently, as a retryable upstream error naming the part', () => {
    let caught: unknown;
    try {
      verifyPart(part, { md5: 'e4d909c290d0fb1ca068ffaddf22cbd0' }, sent);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).statusCode).toBeGreaterThanOrEqual(500);
    expect((caught as AppError).message).toMatch(/Part 3 arrived altered/);
  });
});
