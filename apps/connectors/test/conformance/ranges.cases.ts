import { InvalidRangeError } from '@app/common';
import type { Locator } from '../../src/connectors/connector';
import { expectError, readAll, writeText } from './helpers';
import type { SuiteContext } from './suite';

const TEXT = '0123456789abcdefghij'; // 20 bytes

export function rangeCases(ctx: SuiteContext): void {
  describe('ranged reads', () => {
    let file: Locator | null = null;
    const setup = async (): Promise<Locator> => {
      if (file !== null) return file;
      const dir = await ctx.folder();
      file = (await writeText(ctx.connector(), `${dir}/r.txt`, TEXT)).locator;
      return file;
    };
    const read = async (start: number, end?: number) => {
      const result = await ctx.connector().read(await setup(), { start, end });
      return { ...result, text: (await readAll(result.stream)).toString() };
    };

    ctx.it('reads bytes start..end inclusive', async () => {
      const r = await read(3, 7);
      expect(r.text).toBe('34567');
      expect(r.contentLength).toBe(5);
      expect(r.size).toBe(20);
    });

    ctx.it('reads from start to the end of the file when end is missing', async () => {
      const r = await read(15);
      expect(r.text).toBe('fghij');
      expect(r.contentLength).toBe(5);
      expect(r.size).toBe(20);
    });

    ctx.it('reads a single byte, the first and the last', async () => {
      expect((await read(0, 0)).text).toBe('0');
      expect((await read(19, 19)).text).toBe('j');
    });

    ctx.it('clamps an end past the last byte', async () => {
      const r = await read(18, 1000);
      expect(r.text).toBe('ij');
      expect(r.contentLength).toBe(2);
    });

    ctx.it('refuses a range that starts past the end with InvalidRangeError', async () => {
      const locator = await setup();
      await expectError(ctx.connector().read(locator, { start: 20 }), InvalidRangeError);
      await expectError(ctx.connector().read(locator, { start: 500, end: 600 }), InvalidRangeError);
    });
  });
}
