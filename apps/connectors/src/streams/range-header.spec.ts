import { parseRange } from './range-header';

const size = async () => 100;

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=10-', { start: 10, end: undefined }],
    ['bytes=-10', { start: 90 }],
    ['bytes=-500', { start: 0 }],
    ['BYTES = 5 - 6', { start: 5, end: 6 }],
  ])('%s', async (header, expected) => {
    expect(await parseRange(header, size)).toEqual(expected);
  });

  it.each([undefined, '', 'bytes=', 'bytes=0-1,5-6', 'items=0-1', 'bytes=9-2'])('serves %j whole', async (header) => {
    expect(await parseRange(header, size)).toBeUndefined();
  });

  it('refuses a zero-length suffix', async () => {
    expect(await parseRange('bytes=-0', size)).toBe('unsatisfiable');
  });
});
