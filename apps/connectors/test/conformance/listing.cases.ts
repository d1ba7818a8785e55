import { listAll, names, writeText } from './helpers';
import type { SuiteContext } from './suite';

export function listingCases(ctx: SuiteContext): void {
  describe('listing and paging', () => {
    ctx.it('lists an empty folder as an empty last page', async () => {
      const dir = await ctx.folder();
      const page = await ctx.connector().list(dir, { pageSize: 10 });
      expect(page.items).toEqual([]);
      expect(page.next).toBeNull();
    });

    ctx.it('lists files and folders with kind, name, path and size', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/a.txt`, 'hello');
      await c.mkdir(`${dir}/sub`);
      const entries = await listAll(c, dir);
      const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
      expect(Object.keys(byName).sort()).toEqual(['a.txt', 'sub']);
      expect(byName['a.txt']).toMatchObject({ kind: 'file', path: `${dir}/a.txt`, size: 5 });
      expect(byName.sub).toMatchObject({ kind: 'folder', path: `${dir}/sub` });
      for (const e of entries) {
        if (e.modified !== null) expect(Number.isNaN(new Date(e.modified).getTime())).toBe(false);
      }
    });

    ctx.it('pages through a folder larger than pageSize, each entry exactly once', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const expected = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'];
      for (const n of expected.slice(0, 5)) await writeText(c, `${dir}/${n}.txt`, n);
      await c.mkdir(`${dir}/f6`);
      await c.mkdir(`${dir}/f7`);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await c.list(dir, { pageSize: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((e) => e.name));
        cursor = page.next;
        pages += 1;
      } while (cursor && pages < 50);
      expect(cursor).toBeNull();
      expect(pages).toBeGreaterThan(1);
      expect(seen.sort()).toEqual(['f1.txt', 'f2.txt', 'f3.txt', 'f4.txt', 'f5.txt', 'f6', 'f7']);
    });

    ctx.it('stats a file', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/s.txt`, '12345678');
      const entry = await c.stat(`${dir}/s.txt`);
      expect(entry).toMatchObject({ kind: 'file', name: 's.txt', path: `${dir}/s.txt`, size: 8 });
    });

    ctx.it('stats a folder', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/inner`);
      expect(await c.stat(`${dir}/inner`)).toMatchObject({ kind: 'folder', name: 'inner', path: `${dir}/inner` });
    });

    ctx.it('stats the root as a folder', async () => {
      expect(await ctx.connector().stat('')).toMatchObject({ kind: 'folder', path: '' });
    });

    ctx.it('lists the root, which holds the suite folder', async () => {
      const c = ctx.connector();
      const all = await listAll(c, '', 500);
      expect(all.find((e) => e.name === ctx.base())).toMatchObject({ kind: 'folder', path: ctx.base() });
    });

    ctx.it('creates and lists nested folders', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/a`);
      await c.mkdir(`${dir}/a/b`);
      await c.mkdir(`${dir}/a/b/c`);
      await writeText(c, `${dir}/a/b/c/deep.txt`, 'deep');
      expect(await names(c, dir)).toEqual(['a']);
      expect(await names(c, `${dir}/a`)).toEqual(['b']);
      expect(await names(c, `${dir}/a/b`)).toEqual(['c']);
      const deep = await listAll(c, `${dir}/a/b/c`);
      expect(deep).toEqual([expect.objectContaining({ name: 'deep.txt', path: `${dir}/a/b/c/deep.txt`, kind: 'file', size: 4 })]);
    });

    ctx.it(
      'keeps an empty folder',
      async () => {
        const c = ctx.connector();
        const dir = await ctx.folder();
        await c.mkdir(`${dir}/empty`);
        expect(await names(c, dir)).toEqual(['empty']);
        expect((await c.list(`${dir}/empty`, { pageSize: 5 })).items).toEqual([]);
      },
      { when: ctx.traits.features.canHaveEmptyFolders, skipReason: 'features.canHaveEmptyFolders is false' },
    );
  });
}
