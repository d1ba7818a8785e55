import { InvalidParametersError } from '@app/common';
import { baseName, checkPath, isSameOrBelow, joinPath, parentOf } from './paths';

describe('path guards', () => {
  it.each(['', 'a', 'a/b.txt', 'dossier été/héllo wörld.txt', 'a b/ c', '...', '.hidden', 'x..y'])('accepts %j', (p) => {
    expect(checkPath(p)).toBe(p);
  });

  it.each(['/etc/passwd', '../x', 'a/../../b', 'a/./b', 'a//b', 'a/', './a', '..', 'a\0b'])('refuses %j', (p) => {
    expect(() => checkPath(p)).toThrow(InvalidParametersError);
  });

  it('joins, splits and compares', () => {
    expect(joinPath('', 'a')).toBe('a');
    expect(joinPath('a/b', 'c')).toBe('a/b/c');
    expect(parentOf('a/b/c')).toBe('a/b');
    expect(parentOf('a')).toBe('');
    expect(baseName('a/b/c.txt')).toBe('c.txt');
    expect(isSameOrBelow('a/b', 'a')).toBe(true);
    expect(isSameOrBelow('a', 'a')).toBe(true);
    expect(isSameOrBelow('ab', 'a')).toBe(false);
    expect(isSameOrBelow('anything', '')).toBe(true);
  });
});
