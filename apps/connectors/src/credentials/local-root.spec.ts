import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidParametersError } from '@app/common';
import { LocalRoot } from './local-root';

describe('LocalRoot', () => {
  const root = mkdtempSync(join(tmpdir(), 'local-root-'));
  const local = new LocalRoot(root);

  it('accepts a relative folder and an absolute one inside the root', () => {
    expect(local.resolve('users/alice').relative).toBe('users/alice');
    expect(local.resolve(join(root, 'bob')).absolute).toBe(join(root, 'bob'));
  });

  it.each(['../outside', 'a/../../outside', '/etc', '.', '', 'a\0b'])('refuses %j', (path) => {
    expect(() => local.resolve(path)).toThrow(InvalidParametersError);
  });

  it('refuses a folder that leaves the root through a symlink', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    symlinkSync(outside, join(root, 'link'));
    await expect(local.prepare('link')).rejects.toThrow(InvalidParametersError);
  });

  it('creates a missing folder', async () => {
    const { absolute } = await local.prepare('new/folder');
    expect(absolute).toBe(join(root, 'new/folder'));
  });
});
