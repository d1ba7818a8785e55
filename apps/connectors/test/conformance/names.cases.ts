import { listAll, names, readText, writeText } from './helpers';
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
      expect(await c.stat(`${dir}/${UNICODE_FILE}`)).toMatchObject({ name: UNICODE_FILE, size: 7 });
      expect(await readText(c, `${dir}/${UNICODE_FILE}`)).toBe('unicode');
    });

    ctx.it('creates, lists into and removes a unicode folder', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/${UNICODE_FOLDER}`);
      await writeText(c, `${dir}/${UNICODE_FOLDER}/${UNICODE_FILE}`, 'x');
      const inner = await listAll(c, `${dir}/${UNICODE_FOLDER}`);
      expect(inner.map((e) => e.path)).toEqual([`${dir}/${UNICODE_FOLDER}/${UNICODE_FILE}`]);
      await c.remove(`${dir}/${UNICODE_FOLDER}`, { recursive: true });
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
      await c.move(`${dir}/plain.txt`, `${dir}/${UNICODE_FILE}`);
      expect(await names(c, dir)).toEqual([UNICODE_FILE]);
      await c.move(`${dir}/${UNICODE_FILE}`, `${dir}/plain again.txt`);
      expect(await readText(c, `${dir}/plain again.txt`)).toBe('r');
    });

    ctx.it('searches names below a folder', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      await c.mkdir(`${dir}/sub`);
      await writeText(c, `${dir}/Needle report.txt`, '1');
      await writeText(c, `${dir}/sub/another needle.md`, '2');
      await writeText(c, `${dir}/hay.txt`, '3');
      const found: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await c.search!(dir, 'needle', { pageSize: 1, cursor });
        found.push(...page.items.map((e) => e.path));
        cursor = page.next;
      } while (cursor);
      expect(found.sort()).toEqual([`${dir}/Needle report.txt`, `${dir}/sub/another needle.md`]);
    }, { when: ctx.traits.has('search'), skipReason: 'no search()' });
  });
}
