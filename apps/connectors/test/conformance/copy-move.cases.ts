import { ConflictError, NotFoundError } from '@app/common';
import { expectError, names, readText, writeText } from './helpers';
import type { SuiteContext } from './suite';

export function copyMoveCases(ctx: SuiteContext): void {
  describe('move and rename', () => {
    ctx.it('renames a file in its folder', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/old.txt`, 'content');
      const entry = await c.move(`${dir}/old.txt`, `${dir}/new.txt`);
      expect(entry).toMatchObject({ kind: 'file', name: 'new.txt', path: `${dir}/new.txt`, size: 7 });
      expect(await names(c, dir)).toEqual(['new.txt']);
      expect(await readText(c, `${dir}/new.txt`)).toBe('content');
    });

    ctx.it('moves a file across folders', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/from`);
      await c.mkdir(`${dir}/to`);
      await writeText(c, `${dir}/from/f.txt`, 'moving');
      await c.move(`${dir}/from/f.txt`, `${dir}/to/f.txt`);
      expect(await names(c, `${dir}/from`)).toEqual([]);
      expect(await readText(c, `${dir}/to/f.txt`)).toBe('moving');
    });

    ctx.it('moves and renames a folder with its contents', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/src`);
      await c.mkdir(`${dir}/src/inner`);
      await writeText(c, `${dir}/src/inner/x.txt`, 'x');
      await c.mkdir(`${dir}/dest`);
      const entry = await c.move(`${dir}/src`, `${dir}/dest/renamed`);
      expect(entry).toMatchObject({ kind: 'folder', name: 'renamed', path: `${dir}/dest/renamed` });
      await expectError(c.stat(`${dir}/src`), NotFoundError);
      expect(await readText(c, `${dir}/dest/renamed/inner/x.txt`)).toBe('x');
    });

    ctx.it('refuses to move onto an existing item (ConflictError) and keeps both', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/a.txt`, 'a');
      await writeText(c, `${dir}/b.txt`, 'b');
      await expectError(c.move(`${dir}/a.txt`, `${dir}/b.txt`), ConflictError);
      expect(await readText(c, `${dir}/a.txt`)).toBe('a');
      expect(await readText(c, `${dir}/b.txt`)).toBe('b');
    });

    ctx.it('moving a missing item is a NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await expectError(c.move(`${dir}/ghost.txt`, `${dir}/b.txt`), NotFoundError);
    });
  });

  describe('copy', () => {
    const when = { when: ctx.traits.has('copy'), skipReason: 'no copy()' };

    ctx.it('copies a file; the source stays', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/orig.txt`, 'same');
      const entry = await c.copy!(`${dir}/orig.txt`, `${dir}/dup.txt`);
      expect(entry).toMatchObject({ kind: 'file', name: 'dup.txt', size: 4 });
      expect(await readText(c, `${dir}/orig.txt`)).toBe('same');
      expect(await readText(c, `${dir}/dup.txt`)).toBe('same');
    }, when);

    ctx.it('copies a folder tree', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/tree`);
      await c.mkdir(`${dir}/tree/sub`);
      await writeText(c, `${dir}/tree/sub/leaf.txt`, 'leaf');
      const entry = await c.copy!(`${dir}/tree`, `${dir}/tree2`);
      expect(entry).toMatchObject({ kind: 'folder', name: 'tree2' });
      expect(await readText(c, `${dir}/tree2/sub/leaf.txt`)).toBe('leaf');
      expect(await readText(c, `${dir}/tree/sub/leaf.txt`)).toBe('leaf');
    }, when);

    ctx.it('refuses to copy onto an existing item (ConflictError)', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/a.txt`, 'a');
      await writeText(c, `${dir}/b.txt`, 'b');
      await expectError(c.copy!(`${dir}/a.txt`, `${dir}/b.txt`), ConflictError);
      expect(await readText(c, `${dir}/b.txt`)).toBe('b');
    }, when);

    ctx.it('copying a missing item is a NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await expectError(c.copy!(`${dir}/ghost.txt`, `${dir}/b.txt`), NotFoundError);
    }, when);
  });
}
