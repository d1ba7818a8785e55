import { ROOT } from '../../src/connectors/connector';
import { at, listAll, loc, mkdirAt, names, writeText } from './helpers';
import type { SuiteContext } from './suite';

export function listingCases(ctx: SuiteContext): void {
  describe('listing and paging', () => {
    ctx.it('lists an empty folder as an empty last page', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const page = await c.list(await loc(c, dir), { pageSize: 10 });
      expect(page.items).toEqual([]);
      expect(page.next).toBeNull();
    });

    ctx.it('lists files and folders with kind, name, locator, parent and size', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const file = await writeText(c, `${dir}/a.txt`, 'hello');
      const folder = await mkdirAt(c, `${dir}/sub`);
      const entries = await listAll(c, dir);
      const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
      expect(Object.keys(byName).sort()).toEqual(['a.txt', 'sub']);
      const parent = await loc(c, dir);
      expect(byName['a.txt']).toMatchObject({ kind: 'file', locator: file.locator, parent, size: 5 });
      expect(byName.sub).toMatchObject({ kind: 'folder', locator: folder.locator, parent });
      for (const e of entries) {
        if (e.modified !== null) expect(Number.isNaN(new Date(e.modified).getTime())).toBe(false);
      }
    });

    ctx.it('pages through a folder larger than pageSize, each entry exactly once', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const expected = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7'];
      for (const n of expected.slice(0, 5)) await writeText(c, `${dir}/${n}.txt`, n);
      await mkdirAt(c, `${dir}/f6`);
      await mkdirAt(c, `${dir}/f7`);
      const folder = await loc(c, dir);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await c.list(folder, { pageSize: 2, cursor });
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
      const written = await writeText(c, `${dir}/s.txt`, '12345678');
      const entry = await c.stat(written.locator);
      expect(entry).toMatchObject({ kind: 'file', name: 's.txt', locator: written.locator, parent: await loc(c, dir), size: 8 });
    });

    ctx.it('stats a folder', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const made = await mkdirAt(c, `${dir}/inner`);
      expect(await c.stat(made.locator)).toMatchObject({ kind: 'folder', name: 'inner', locator: made.locator });
    });

    ctx.it('stats the root as a folder', async () => {
      expect(await ctx.connector().stat(ROOT)).toMatchObject({ kind: 'folder', locator: ROOT, parent: null });
    });

    ctx.it('lists the root, which holds the suite folder (its parent is the root)', async () => {
      const c = ctx.connector();
      const all = await listAll(c, '', 500);
      expect(all.find((e) => e.name === ctx.base())).toMatchObject({ kind: 'folder', parent: ROOT });
    });

    ctx.it('looks a child up by name, and answers null for a name that is not there', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const file = await writeText(c, `${dir}/Found.txt`, 'f');
      const folder = await loc(c, dir);
      expect(await c.lookup(folder, 'Found.txt')).toMatchObject({ locator: file.locator, kind: 'file', size: 1 });
      expect(await c.lookup(folder, 'absent.txt')).toBeNull();
    });

    ctx.it('creates and lists nested folders', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await mkdirAt(c, `${dir}/a`);
      await mkdirAt(c, `${dir}/a/b`);
      await mkdirAt(c, `${dir}/a/b/c`);
      const deepFile = await writeText(c, `${dir}/a/b/c/deep.txt`, 'deep');
      expect(await names(c, dir)).toEqual(['a']);
      expect(await names(c, `${dir}/a`)).toEqual(['b']);
      expect(await names(c, `${dir}/a/b`)).toEqual(['c']);
      const deep = await listAll(c, `${dir}/a/b/c`);
      expect(deep).toEqual([expect.objectContaining({ name: 'deep.txt', locator: deepFile.locator, kind: 'file', size: 4 })]);
      expect((await at(c, `${dir}/a/b/c/deep.txt`)).locator).toBe(deepFile.locator);
    });

    ctx.it(
      'keeps an empty folder',
      async () => {
        const c = ctx.connector();
        const dir = await ctx.folder();
        const empty = await mkdirAt(c, `${dir}/empty`);
        expect(await names(c, dir)).toEqual(['empty']);
        expect((await c.list(empty.locator, { pageSize: 5 })).items).toEqual([]);
      },
      { when: ctx.traits.features.canHaveEmptyFolders, skipReason: 'features.canHaveEmptyFolders is false' },
    );
  });
}
