import { AppError, describeZodError, InvalidParametersError, uploadTags, type UploadTags } from '@app/common';

export interface PresignLimits {
  maxBytes: number;
  /** `type/subtype` patterns, `*` as a whole part: `image/*`, `*\/*`, `application/pdf`. */
  allowedTypes: string[];
}

export interface PresignRequest {
  filename: string;
  contentType: string;
  size: number;
  tags: UploadTags;
}

const MIME = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126})\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/i;

/**
 * `POST /v1/files/presigned-url` `{ filename, contentType, size, tags? }`, with
 * the seed's error codes (seed 001): file/invalid-name, file/file-too-large,
 * file/invalid-format; anything else malformed is invalid_parameters.
 */
export function parsePresignRequest(body: unknown, limits: PresignLimits): PresignRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidParametersError('The body must be a JSON object: { filename, contentType, size, tags? }.');
  const { filename, contentType, size, tags } = body as Record<string, unknown>;
  if (typeof filename !== 'string' || !validName(filename)) {
    throw new AppError('file/invalid-name', 'filename must be 1 to 255 characters, without "/", "\\", control characters, or leading/trailing spaces, and not "." or "..".');
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) throw new InvalidParametersError('size must be the file size in bytes, a positive integer.');
  if (size > limits.maxBytes) throw new AppError('file/file-too-large', `The file is ${size} bytes; the limit is ${limits.maxBytes}.`);
  if (typeof contentType !== 'string' || !MIME.test(contentType)) throw new AppError('file/invalid-format', 'contentType must be a MIME type such as "image/png".');
  if (!limits.allowedTypes.some((pattern) => typeMatches(pattern, contentType))) {
    throw new AppError('file/invalid-format', `"${contentType}" files are not accepted here (allowed: ${limits.allowedTypes.join(', ')}).`);
  }
  const parsedTags = uploadTags.optional().safeParse(tags);
  if (!parsedTags.success) throw new InvalidParametersError(`tags: ${describeZodError(parsedTags.error)}`);
  return { filename, contentType: contentType.toLowerCase(), size, tags: parsedTags.data ?? {} };
}

function validName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length >= 1 && name.length <= 255 && name !== '.' && name !== '..' && name.trim() === name && !/[/\\\u0000-\u001f\u007f]/.test(name);
}

export function typeMatches(pattern: string, type: string): boolean {
  const [pt, ps] = pattern.toLowerCase().split('/');
  const [t, s] = type.toLowerCase().split('/');
  return (pt === '*' || pt === t) && (ps === '*' || ps === s);
}
