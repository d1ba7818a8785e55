import { ConflictError, FolderNotEmptyError, NotFoundError } from '@app/common';
import { bodyOf, expectError, goneLocator, loc, mkdirAt, names, randomData, readAll, readText, sha256, writeText } from './helpers';
import type { SuiteContext } from './suite';

export function readWriteCases(ctx: SuiteContext): void {
  describe('read, write, mkdir, remove', () => {
    ctx.it('writes a file and reads the same bytes back', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const entry = await writeText(c, `${dir}/hello.txt`, 'hello world');
      expect(entry).toMatchObject({ kind: 'file', name: 'hello.txt', parent: await loc(c, dir), size: 11 });
      expect(await loc(c, `${dir}/hello.txt`)).toBe(entry.locator);
      const read = await c.read(entry.locator);
      expect(read.size).toBe(11);
      expect(read.contentLength).toBe(11);
      expect((await readAll(read.stream)).toString()).toBe('hello world');
    });

    ctx.it('streams a multi-megabyte binary file both ways unchanged', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const data = randomData(3 * 1024 * 1024 + 123);
      const entry = await writeText(c, `${dir}/big.bin`, data);
      expect((await c.stat(entry.locator)).size).toBe(data.length);
      const back = await readAll((await c.read(entry.locator)).stream);
      expect(back.length).toBe(data.length);
      expect(sha256(back)).toBe(sha256(data));
    });

    ctx.it('writes a file whose size is not given up front', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const data = randomData(1024 * 1024 + 7);
      const entry = await c.write(await loc(c, dir), 'unsized.bin', bodyOf(data));
      expect(entry).toMatchObject({ kind: 'file', name: 'unsized.bin', size: data.length });
      expect(sha256(await readAll((await c.read(entry.locator)).stream))).toBe(sha256(data));
    });

    ctx.it('overwrites: a second write of the same name replaces the content', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/o.txt`, 'first version, longer');
      const entry = await writeText(c, `${dir}/o.txt`, 'second');
      expect(entry.size).toBe(6);
      expect(await readText(c, `${dir}/o.txt`)).toBe('second');
      expect(await names(c, dir)).toEqual(['o.txt']);
    });

    ctx.it('writes and reads an empty file', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const entry = await writeText(c, `${dir}/empty.txt`, '');
      expect(entry).toMatchObject({ kind: 'file', size: 0 });
      expect((await c.stat(entry.locator)).size).toBe(0);
      const read = await c.read(entry.locator);
      expect(read.size).toBe(0);
      expect((await readAll(read.stream)).length).toBe(0);
    });

    ctx.it('refuses a write into a missing folder with NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const missing = await goneLocator(c, dir, 'folder');
      await expectError(c.write(missing, 'x.txt', bodyOf('x'), { size: 1 }), NotFoundError);
    });

    ctx.it('mkdir returns the folder; mkdir again is a ConflictError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      expect(await mkdirAt(c, `${dir}/m`)).toMatchObject({ kind: 'folder', name: 'm', parent: await loc(c, dir) });
      await expectError(mkdirAt(c, `${dir}/m`), ConflictError);
      expect(await names(c, dir)).toEqual(['m']);
    });

    ctx.it('mkdir where a file exists is a ConflictError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/taken`, 'x');
      await expectError(mkdirAt(c, `${dir}/taken`), ConflictError);
    });

    ctx.it('mkdir in a missing parent is a NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const missing = await goneLocator(c, dir, 'folder');
      await expectError(c.mkdir(missing, 'child'), NotFoundError);
    });

    ctx.it('removes a file', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const file = await writeText(c, `${dir}/gone.txt`, 'x');
      await c.remove(file.locator, { recursive: false });
      await expectError(c.stat(file.locator), NotFoundError);
      expect(await names(c, dir)).toEqual([]);
    });

    ctx.it('removes an empty folder without recursive', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const folder = await mkdirAt(c, `${dir}/e`);
      await c.remove(folder.locator, { recursive: false });
      await expectError(c.stat(folder.locator), NotFoundError);
    });

    ctx.it('refuses to remove a non-empty folder without recursive (FolderNotEmptyError)', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const full = await mkdirAt(c, `${dir}/full`);
      await writeText(c, `${dir}/full/f.txt`, 'x');
      await expectError(c.remove(full.locator, { recursive: false }), FolderNotEmptyError);
      expect(await readText(c, `${dir}/full/f.txt`)).toBe('x');
    });

    ctx.it('removes a folder tree recursively', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const tree = await mkdirAt(c, `${dir}/t`);
      await mkdirAt(c, `${dir}/t/u`);
      await writeText(c, `${dir}/t/a.txt`, 'a');
      const deep = await writeText(c, `${dir}/t/u/b.txt`, 'b');
      await c.remove(tree.locator, { recursive: true });
      await expectError(c.stat(tree.locator), NotFoundError);
      await expectError(c.stat(deep.locator), NotFoundError);
      expect(await names(c, dir)).toEqual([]);
    });
  });
}
