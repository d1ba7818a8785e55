import { InvalidParametersError } from '@app/common';

// Parent and base name are the id codec's own helpers; connectors keep their own
// unchecked joinPath because names read back from a server are not user input.
export { baseName, parentPath as parentOf } from '@app/common';

/**
 * Path guards shared by every connector. Paths are POSIX, relative to the
 * account root, no leading slash; '' is the root. Anything that could step
 * outside the root ('..', '.', empty segments, NUL, a leading slash) is refused
 * here even though ids are already decoded by libs/common's codec.
 */
export function checkPath(path: string): string {
  if (typeof path !== 'string') throw new InvalidParametersError('path must be a string');
  if (path === '') return '';
  if (path.includes('\0')) throw new InvalidParametersError('path must not contain NUL');
  if (path.startsWith('/')) throw new InvalidParametersError('path must be relative (no leading slash)');
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InvalidParametersError(`path has an invalid segment: ${JSON.stringify(segment)}`);
    }
  }
  return path;
}

export function joinPath(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

/** True if `path` is `ancestor` or below it. */
export function isSameOrBelow(path: string, ancestor: string): boolean {
  return ancestor === '' || path === ancestor || path.startsWith(`${ancestor}/`);
}
