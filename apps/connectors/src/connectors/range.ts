import { InvalidParametersError, InvalidRangeError } from '@app/common';
import type { ByteRange } from './connector';

/**
 * Resolves a ByteRange against an object's size with HTTP semantics: `end`
 * past the last byte is clamped; `start` at or past the end is refused.
 * Returns inclusive bounds; `length` 0 only for a whole read of an empty file.
 */
export function resolveRange(range: ByteRange | undefined, size: number): { start: number; end: number; length: number } {
  if (!range) return { start: 0, end: size - 1, length: size };
  const { start, end } = range;
  if (!Number.isInteger(start) || start < 0) throw new InvalidParametersError('range start must be a non-negative integer');
  if (end !== undefined && (!Number.isInteger(end) || end < start)) {
    throw new InvalidParametersError('range end must be an integer not below start');
  }
  if (start >= size) throw new InvalidRangeError(`The range starts at byte ${start} but the file has ${size} bytes.`);
  const last = end === undefined ? size - 1 : Math.min(end, size - 1);
  return { start, end: last, length: last - start + 1 };
}
