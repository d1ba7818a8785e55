import { at, listAll, loc, mkdirAt, moveTo, names, readText, writeText } from './helpers';
import type { SuiteContext } from './suite';

const UNICODE_FILE = 'héllo wörld ✓ 日本語 Ελληνικά.txt';
const UNICODE_FOLDER = 'dossier été 📁';
const SPACES = 'two  spaces and trailing dot.txt';
const PUNCTUATION = "100% #1 + more & (x) [y] {z} 'q' ~=,;@!.txt";

export function nameCases(ctx: SuiteContext): void {
  describe('names', () => {
    ctx.it('writes, lists, stats and reads a unicode name with spaces', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const entry = await writeText(c, `${dir}/${UNICODE_FILE}`, 'unicode');
      expect(entry.name).toBe(UNICODE_FILE);
      expect(await names(c, dir)).toEqual([UNICODE_FILE]);
      expect(await c.stat(entry.locator)).toMatchObject({ name: UNICODE_FILE, size: 7 });
      expect((await at(c, `${dir}/${UNICODE_FILE}`)).locator).toBe(entry.locator);
      expect(await readText(c, `${dir}/${UNICODE_FILE}`)).toBe('unicode');
    });

    ctx.it('creates, lists into and removes a unicode folder', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const folder = await mkdirAt(c, `${dir}/${UNICODE_FOLDER}`);
      const file = await writeText(c, `${dir}/${UNICODE_FOLDER}/${UNICODE_FILE}`, 'x');
      const inner = await listAll(c, `${dir}/${UNICODE_FOLDER}`);
      expect(inner.map((e) => [e.name, e.locator])).toEqual([[UNICODE_FILE, file.locator]]);
      await c.remove(folder.locator, { recursive: true });
      expect(await names(c, dir)).toEqual([]);
    });

    ctx.it('keeps repeated spaces in names', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/${SPACES}`, 'spaces');
      expect(await names(c, dir)).toEqual([SPACES]);
      expect(await readText(c, `${dir}/${SPACES}`)).toBe('spaces');
    });

    ctx.it('handles URL-special punctuation in names', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/${PUNCTUATION}`, 'punct');
      expect(await names(c, dir)).toEqual([PUNCTUATION]);
      expect(await readText(c, `${dir}/${PUNCTUATION}`)).toBe('punct');
    });

    ctx.it('renames to a unicode name and back', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await writeText(c, `${dir}/plain.txt`, 'r');
      await moveTo(c, `${dir}/plain.txt`, `${dir}/${UNICODE_FILE}`);
      expect(await names(c, dir)).toEqual([UNICODE_FILE]);
      await moveTo(c, `${dir}/${UNICODE_FILE}`, `${dir}/plain again.txt`);
      expect(await readText(c, `${dir}/plain again.txt`)).toBe('r');
    });

    ctx.it('searches names below a folder', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await mkdirAt(c, `${dir}/sub`);
      const one = await writeText(c, `${dir}/Needle report.txt`, '1');
      const two = await writeText(c, `${dir}/sub/another needle.md`, '2');
      await writeText(c, `${dir}/hay.txt`, '3');
      const folder = await loc(c, dir);
      const found: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await c.search!(folder, 'needle', { pageSize: 1, cursor });
        found.push(...page.items.map((e) => e.locator));
        cursor = page.next;
      } while (cursor);
      expect(found.sort()).toEqual([one.locator, two.locator].sort());
    }, { when: ctx.traits.has('search'), skipReason: 'no search()' });
  });
}
