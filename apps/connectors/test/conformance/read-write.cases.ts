import { ConflictError, FolderNotEmptyError, NotFoundError } from '@app/common';
import { expectError, names, randomData, readAll, readText, sha256, writeText } from './helpers';
import type { SuiteContext } from './suite';

export function readWriteCases(ctx: SuiteContext): void {
  describe('read, write, mkdir, remove', () => {
    ctx.it('writes a file and reads the same bytes back', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const entry = await writeText(c, `${dir}/hello.txt`, 'hello world');
      expect(entry).toMatchObject({ kind: 'file', name: 'hello.txt', path: `${dir}/hello.txt`, size: 11 });
      const read = await c.read(`${dir}/hello.txt`);
      expect(read.size).toBe(11);
      expect(read.contentLength).toBe(11);
      expect((await readAll(read.stream)).toString()).toBe('hello world');
    });

    ctx.it('streams a multi-megabyte binary file both ways unchanged', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const data = randomData(3 * 1024 * 1024 + 123);
      await writeText(c, `${dir}/big.bin`, data);
      expect((await c.stat(`${dir}/big.bin`)).size).toBe(data.length);
      const back = await readAll((await c.read(`${dir}/big.bin`)).stream);
      expect(back.length).toBe(data.length);
      expect(sha256(back)).toBe(sha256(data));
    });

    ctx.it('overwrites: a second write replaces the content', async () => {
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
      expect((await c.stat(`${dir}/empty.txt`)).size).toBe(0);
      const read = await c.read(`${dir}/empty.txt`);
      expect(read.size).toBe(0);
      expect((await readAll(read.stream)).length).toBe(0);
    });

    ctx.it('refuses a write into a missing folder with NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await expectError(writeText(c, `${dir}/missing/x.txt`, 'x'), NotFoundError);
    });

    ctx.it('mkdir returns the folder; mkdir again is a ConflictError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      expect(await c.mkdir(`${dir}/m`)).toMatchObject({ kind: 'folder', name: 'm', path: `${dir}/m` });
      await expectError(c.mkdir(`${dir}/m`), ConflictError);
    });

    ctx.it('mkdir where a file exists is a ConflictError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/taken`, 'x');
      await expectError(c.mkdir(`${dir}/taken`), ConflictError);
    });

    ctx.it('mkdir in a missing parent is a NotFoundError', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await expectError(c.mkdir(`${dir}/nope/child`), NotFoundError);
    });

    ctx.it('removes a file', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/gone.txt`, 'x');
      await c.remove(`${dir}/gone.txt`, { recursive: false });
      await expectError(c.stat(`${dir}/gone.txt`), NotFoundError);
      expect(await names(c, dir)).toEqual([]);
    });

    ctx.it('removes an empty folder without recursive', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/e`);
      await c.remove(`${dir}/e`, { recursive: false });
      await expectError(c.stat(`${dir}/e`), NotFoundError);
    });

    ctx.it('refuses to remove a non-empty folder without recursive (FolderNotEmptyError)', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/full`);
      await writeText(c, `${dir}/full/f.txt`, 'x');
      await expectError(c.remove(`${dir}/full`, { recursive: false }), FolderNotEmptyError);
      expect(await readText(c, `${dir}/full/f.txt`)).toBe('x');
    });

    ctx.it('removes a folder tree recursively', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/t`);
      await c.mkdir(`${dir}/t/u`);
      await writeText(c, `${dir}/t/a.txt`, 'a');
      await writeText(c, `${dir}/t/u/b.txt`, 'b');
      await c.remove(`${dir}/t`, { recursive: true });
      await expectError(c.stat(`${dir}/t`), NotFoundError);
      await expectError(c.stat(`${dir}/t/u/b.txt`), NotFoundError);
      expect(await names(c, dir)).toEqual([]);
    });

  });
}
