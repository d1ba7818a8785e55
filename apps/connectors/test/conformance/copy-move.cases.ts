import { ConflictError, NotFoundError } from '@app/common';
import { expectError, goneLocator, loc, mkdirAt, moveTo, names, readText, writeText } from './helpers';
import type { SuiteContext } from './suite';

export function copyMoveCases(ctx: SuiteContext): void {
  describe('move and rename', () => {
    ctx.it('renames a file in its folder', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/old.txt`, 'content');
      const entry = await moveTo(c, `${dir}/old.txt`, `${dir}/new.txt`);
      expect(entry).toMatchObject({ kind: 'file', name: 'new.txt', parent: await loc(c, dir), size: 7 });
      expect(await loc(c, `${dir}/new.txt`)).toBe(entry.locator);
      expect(await names(c, dir)).toEqual(['new.txt']);
      expect(await readText(c, `${dir}/new.txt`)).toBe('content');
    });

    ctx.it(
      'keeps the locator of a renamed file (id-addressed services)',
      async () => {
        const c = ctx.connector();
        const dir = await ctx.folder();
        const before = await writeText(c, `${dir}/before.txt`, 'same object');
        const after = await moveTo(c, `${dir}/before.txt`, `${dir}/after.txt`);
        expect(after.locator).toBe(before.locator);
        expect((await c.stat(before.locator)).name).toBe('after.txt');
      },
      { when: ctx.traits.features.addressing === 'id', skipReason: 'locators are paths' },
    );

    ctx.it('moves a file across folders', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await mkdirAt(c, `${dir}/from`);
      const to = await mkdirAt(c, `${dir}/to`);
      await writeText(c, `${dir}/from/f.txt`, 'moving');
      const moved = await moveTo(c, `${dir}/from/f.txt`, `${dir}/to/f.txt`);
      expect(moved.parent).toBe(to.locator);
      expect(await names(c, `${dir}/from`)).toEqual([]);
      expect(await readText(c, `${dir}/to/f.txt`)).toBe('moving');
    });

    ctx.it('moves and renames a folder with its contents', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await mkdirAt(c, `${dir}/src`);
      await mkdirAt(c, `${dir}/src/inner`);
      await writeText(c, `${dir}/src/inner/x.txt`, 'x');
      const dest = await mkdirAt(c, `${dir}/dest`);
      const entry = await moveTo(c, `${dir}/src`, `${dir}/dest/renamed`);
      expect(entry).toMatchObject({ kind: 'folder', name: 'renamed', parent: dest.locator });
      expect(await names(c, dir)).toEqual(['dest']);
      expect(await readText(c, `${dir}/dest/renamed/inner/x.txt`)).toBe('x');
    });

    ctx.it('refuses to move onto an existing item (ConflictError) and keeps both', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/a.txt`, 'a');
      await writeText(c, `${dir}/b.txt`, 'b');
      await expectError(moveTo(c, `${dir}/a.txt`, `${dir}/b.txt`), ConflictError);
      expect(await readText(c, `${dir}/a.txt`)).toBe('a');
      expect(await readText(c, `${dir}/b.txt`)).toBe('b');
      expect(await names(c, dir)).toEqual(['a.txt', 'b.txt']);
    });

    ctx.it('moving a missing item is a NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const gone = await goneLocator(c, dir);
      await expectError(c.move(gone, await loc(c, dir), 'b.txt'), NotFoundError);
    });
  });

  describe('copy', () => {
    const when = { when: ctx.traits.has('copy'), skipReason: 'no copy()' };

    ctx.it('copies a file; the source stays', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const orig = await writeText(c, `${dir}/orig.txt`, 'same');
      const entry = await moveTo(c, `${dir}/orig.txt`, `${dir}/dup.txt`, 'copy');
      expect(entry).toMatchObject({ kind: 'file', name: 'dup.txt', size: 4, parent: await loc(c, dir) });
      expect(entry.locator).not.toBe(orig.locator);
      expect(await readText(c, `${dir}/orig.txt`)).toBe('same');
      expect(await readText(c, `${dir}/dup.txt`)).toBe('same');
    }, when);

    ctx.it('copies a folder tree', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await mkdirAt(c, `${dir}/tree`);
      await mkdirAt(c, `${dir}/tree/sub`);
      await writeText(c, `${dir}/tree/sub/leaf.txt`, 'leaf');
      const entry = await moveTo(c, `${dir}/tree`, `${dir}/tree2`, 'copy');
      expect(entry).toMatchObject({ kind: 'folder', name: 'tree2' });
      expect(await readText(c, `${dir}/tree2/sub/leaf.txt`)).toBe('leaf');
      expect(await readText(c, `${dir}/tree/sub/leaf.txt`)).toBe('leaf');
    }, when);

    ctx.it('refuses to copy onto an existing item (ConflictError)', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/a.txt`, 'a');
      await writeText(c, `${dir}/b.txt`, 'b');
      await expectError(moveTo(c, `${dir}/a.txt`, `${dir}/b.txt`, 'copy'), ConflictError);
      expect(await readText(c, `${dir}/b.txt`)).toBe('b');
      expect(await names(c, dir)).toEqual(['a.txt', 'b.txt']);
    }, when);

    ctx.it('copying a missing item is a NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const gone = await goneLocator(c, dir);
      await expectError(c.copy!(gone, await loc(c, dir), 'b.txt'), NotFoundError);
    }, when);
  });
}
