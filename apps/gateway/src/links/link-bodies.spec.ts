import { AppError } from '@app/common';
import { ZodPipe } from '../http/zod.pipe';
import { assertLinkId, createLinkBody, parseIsoDateTime, updateLinkBody } from './link-bodies';

const create = (body: unknown) => new ZodPipe(createLinkBody).transform(body);
const update = (body: unknown) => new ZodPipe(updateLinkBody).transform(body);
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return `${(err as AppError).code}: ${(err as AppError).message}`;
  }
  throw new Error('expected a refusal');
};

describe('link bodies', () => {
  it('defaults a new link to active, not direct, no password, no expiration', () => {
    expect(create({ file_id: 'abc' })).toEqual({ fileId: 'abc', direct: false, active: true, expiration: null, password: null });
  });

  it("takes the File Picker's link_options (object or JSON text); top-level fields win", () => {
    expect(create({ file_id: 'f', link_options: { direct: true, password: 'p', active: false } })).toMatchObject({ direct: true, password: 'p', active: false });
    expect(create({ file_id: 'f', link_options: '{"direct":true,"expiration":"2030-01-01T00:00:00Z"}', direct: false })).toMatchObject({
      direct: false, expiration: '2030-01-01T00:00:00.000Z',
    });
  });

  it('reads ISO 8601 expirations with an offset, or none (UTC), and answers them in canonical form', () => {
    expect(create({ file_id: 'f', expiration: '2030-06-01T12:00:00+02:00' }).expiration).toBe('2030-06-01T10:00:00.000Z');
    expect(create({ file_id: 'f', expiration: '2030-06-01T12:00:00' }).expiration).toBe('2030-06-01T12:00:00.000Z');
    expect(create({ file_id: 'f', expiration: '2030-06-01' }).expiration).toBe('2030-06-01T00:00:00.000Z');
    expect(create({ file_id: 'f', expiration: null }).expiration).toBeNull();
  });

  it('treats an empty password as none', () => {
    expect(create({ file_id: 'f', password: '' }).password).toBeNull();
    expect(update({ password: '' }).password).toBeNull();
  });

  it('names the bad field in a 400 invalid_parameters', () => {
    expect(refusal(() => create({}))).toMatch(/^invalid_parameters: file_id/);
    expect(refusal(() => create({ file_id: 'f', direct: 'yes' }))).toMatch(/^invalid_parameters: direct: must be true or false/);
    expect(refusal(() => create({ file_id: 'f', expiration: 'next week' }))).toMatch(/^invalid_parameters: expiration: must be an ISO 8601 date-time/);
    expect(refusal(() => create({ file_id: 'f', expiration: '2030-02-31T00:00:00Z' }))).toMatch(/expiration/);
    expect(refusal(() => create({ file_id: 'f', password: 'x'.repeat(1025) }))).toMatch(/password: must be at most 1024/);
    expect(refusal(() => create({ file_id: 'f', link_options: 'nope' }))).toMatch(/link_options/);
  });

  it('a PATCH keeps only what it may change and ignores other keys (node sends file_id)', () => {
    expect(update({ active: false, file_id: 'x', direct: true })).toEqual({ active: false });
    expect(update({ expiration: null, password: null })).toEqual({ expiration: null, password: null });
  });

  it('accepts only UUIDs as link ids; anything else is an unknown link (404)', () => {
    expect(assertLinkId('0E9B2C6A-1D2F-4A3B-8C4D-5E6F7A8B9C0D')).toBe('0e9b2c6a-1d2f-4a3b-8c4d-5e6f7a8b9c0d');
    expect(refusal(() => assertLinkId('../../etc'))).toMatch(/^not_found/);
  });
});

describe('parseIsoDateTime', () => {
  it('reads dates, date-times, fractions and offsets (with or without a colon)', () => {
    expect(parseIsoDateTime('2030-01-02')).toBe(Date.UTC(2030, 0, 2));
    expect(parseIsoDateTime('2030-01-02T03:04')).toBe(Date.UTC(2030, 0, 2, 3, 4));
    expect(parseIsoDateTime('2030-01-02T03:04:05.678Z')).toBe(Date.UTC(2030, 0, 2, 3, 4, 5, 678));
    expect(parseIsoDateTime('2030-01-02T03:04:05-0130')).toBe(Date.UTC(2030, 0, 2, 4, 34, 5));
    expect(parseIsoDateTime('2028-02-29T00:00:00Z')).toBe(Date.UTC(2028, 1, 29));
  });

  it('refuses impossible dates and times rather than rolling them over', () => {
    for (const bad of ['2030-02-31T00:00:00Z', '2029-02-29', '2030-13-01', '2030-01-01T24:00:00Z', '2030-01-01T10:60Z', '2030-01-01Z', 'tomorrow', '']) {
      expect({ bad, ms: parseIsoDateTime(bad) }).toEqual({ bad, ms: NaN });
    }
  });
});
