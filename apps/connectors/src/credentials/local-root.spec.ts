import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidParametersError, ServiceUnavailableError } from '@app/common';
import { LOCAL_LAYOUT, LocalRoot } from './local-root';

describe('LocalRoot', () => {
  const root = mkdtempSync(join(tmpdir(), 'local-root-'));
  const local = new LocalRoot(root);
  const appA = 'app_a';

  it("puts every account of an app below that app's own directory", () => {
    expect(local.resolve(appA, 'users/alice')).toEqual({ relative: 'users/alice', absolute: join(root, 'apps', appA, 'users/alice'), jail: join(root, 'apps', appA) });
    expect(local.resolve(appA, join(root, 'apps', appA, 'bob')).relative).toBe('bob');
  });

  it.each([
    '../outside', 'a/../../outside', '/etc', '.', '', 'a\0b', '..', '../app_b/alice', '../../alice',
    // the shared root and another app's directory, spelled as absolute paths
    '/ROOT/alice', '/ROOT/apps/app_b/alice',
  ])('refuses %j', (path) => {
    expect(() => local.resolve(appA, path.replace('/ROOT', root))).toThrow(InvalidParametersError);
  });

  it('refuses app ids that are not one safe path segment', () => {
    expect(() => local.resolve('../x', 'alice')).toThrow(InvalidParametersError);
    expect(() => local.resolve('a/b', 'alice')).toThrow(InvalidParametersError);
  });

  it('refuses a folder name over 255 bytes', () => {
    expect(() => local.resolve(appA, 'x'.repeat(256))).toThrow(InvalidParametersError);
  });

  it('refuses a folder that leaves the app directory through a symlink, creating nothing outside', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    mkdirSync(join(root, 'apps', appA), { recursive: true });
    symlinkSync(outside, join(root, 'apps', appA, 'outlink'));
    await expect(local.prepare(appA, 'outlink')).rejects.toThrow(InvalidParametersError);
    await expect(local.prepare(appA, 'outlink/x/y')).rejects.toThrow(InvalidParametersError);
    expect(existsSync(join(outside, 'x'))).toBe(false);
  });

  it('refuses a path that names a file', async () => {
    mkdirSync(join(root, 'apps', appA), { recursive: true });
    writeFileSync(join(root, 'apps', appA, 'plain.txt'), 'x');
    await expect(local.prepare(appA, 'plain.txt')).rejects.toThrow(InvalidParametersError);
    await expect(local.prepare(appA, 'plain.txt/below')).rejects.toThrow(InvalidParametersError);
  });

  it('creates a missing folder and returns the config to store', async () => {
    const { absolute, stored } = await local.prepare(appA, 'new/folder');
    expect(absolute).toBe(join(root, 'apps', appA, 'new/folder'));
    expect(stored).toEqual({ path: 'new/folder', layout: LOCAL_LAYOUT });
    expect(existsSync(absolute)).toBe(true);
  });

  it('refuses to open a config of the old shared layout', async () => {
    await expect(local.open(appA, { path: 'alice' })).rejects.toThrow(ServiceUnavailableError);
  });

  it("moves the owner's legacy folder into its app directory once", async () => {
    mkdirSync(join(root, 'legacy'), { recursive: true });
    writeFileSync(join(root, 'legacy', 'secret.txt'), 'mine');
    const opened = await local.open('owner', { path: 'legacy', layout: LOCAL_LAYOUT, legacyFolder: 'legacy' });
    expect(opened.absolute).toBe(join(root, 'apps', 'owner', 'legacy'));
    expect(existsSync(join(root, 'apps', 'owner', 'legacy', 'secret.txt'))).toBe(true);
    expect(existsSync(join(root, 'legacy'))).toBe(false);
    // again: nothing to move, nothing changes
    await local.open('owner', { path: 'legacy', layout: LOCAL_LAYOUT, legacyFolder: 'legacy' });
    expect(existsSync(join(root, 'apps', 'owner', 'legacy', 'secret.txt'))).toBe(true);
  });
});
