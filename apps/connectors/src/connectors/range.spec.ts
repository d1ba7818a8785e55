import { InvalidParametersError, InvalidRangeError } from '@app/common';
import { resolveRange } from './range';

describe('resolveRange', () => {
  it('reads everything without a range', () => {
    expect(resolveRange(undefined, 10)).toEqual({ start: 0, end: 9, length: 10 });
    expect(resolveRange(undefined, 0).length).toBe(0);
  });
  it('keeps bounds inside the file and clamps the end', () => {
    expect(resolveRange({ start: 2, end: 4 }, 10)).toEqual({ start: 2, end: 4, length: 3 });
    expect(resolveRange({ start: 7 }, 10)).toEqual({ start: 7, end: 9, length: 3 });
    expect(resolveRange({ start: 8, end: 100 }, 10)).toEqual({ start: 8, end: 9, length: 2 });
  });
  it('refuses a start at or past the end', () => {
    expect(() => resolveRange({ start: 10 }, 10)).toThrow(InvalidRangeError);
    expect(() => resolveRange({ start: 0 }, 0)).toThrow(InvalidRangeError);
  });
  it('refuses malformed ranges', () => {
    expect(() => resolveRange({ start: -1 }, 10)).toThrow(InvalidParametersError);
    expect(() => resolveRange({ start: 5, end: 4 }, 10)).toThrow(InvalidParametersError);
  });
});
