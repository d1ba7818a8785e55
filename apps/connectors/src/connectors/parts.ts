import { InvalidParametersError, UpstreamError } from '@app/common';
import type { Features, PartReceipt, PartSpec, UploadedPart } from './connector';

/**
 * Checks one part of a chunked write against the file's size and the service's
 * limits (every part but the last at least minPartSize). Shared by the chunk
 * writers so they refuse the same things with the same words.
 */
export function checkPart(part: PartSpec, fileSize: number, features: Pick<Features, 'minPartSize' | 'maxPartSize' | 'maxParts'>): void {
  const { number, offset, size } = part;
  const maxParts = features.maxParts ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(number) || number < 1 || number > maxParts) throw new InvalidParametersError(`The part number must be between 1 and ${maxParts}.`);
  if (!Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size < 1 || offset + size > fileSize) {
    throw new InvalidParametersError(`Part ${number} (${size} bytes at ${offset}) does not fit a file of ${fileSize} bytes.`);
  }
  const last = offset + size === fileSize;
  if ((features.minPartSize && !last && size < features.minPartSize) || (features.maxPartSize && size > features.maxPartSize)) {
    throw new InvalidParametersError(`Part ${number} has ${size} bytes; parts must have ${features.minPartSize ?? 1} to ${features.maxPartSize ?? 'any'} bytes (the last may be smaller).`);
  }
}

/** The parts in commit order, checked to cover the file from byte 0 to its end without gaps or overlaps. */
export function partsInOrder(parts: UploadedPart[], fileSize: number): UploadedPart[] {
  const sorted = [...parts].sort((a, b) => a.number - b.number);
  let next = 0;
  for (const part of sorted) {
    if (part.offset !== next) throw new InvalidParametersError(next < part.offset ? `Bytes ${next}–${part.offset - 1} were never uploaded.` : `Part ${part.number} overlaps the part before it.`);
    next = part.offset + part.size;
  }
  if (next !== fileSize) throw new InvalidParametersError(`The parts add up to ${next} bytes, not ${fileSize}.`);
  return sorted;
}

/**
 * The destination's own digest of a part against the MD5 of the bytes that
 * were sent: a mismatch is a retryable upstream error (the part is sent
 * again), never a silently corrupt file. Services that report none pass.
 */
export function verifyPart(part: PartSpec, receipt: PartReceipt, sentMd5: string): void {
  if (receipt.md5 !== undefined && receipt.md5 !== sentMd5) {
    throw new UpstreamError(undefined, `Part ${part.number} arrived altered (MD5 ${receipt.md5}, sent ${sentMd5}); it will be sent again.`);
  }
}
