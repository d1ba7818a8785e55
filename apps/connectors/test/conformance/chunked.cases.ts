import { NotFoundError } from '@app/common';
import { bodyOf, expectError, names, randomData, readAll, sha256 } from './helpers';
import type { SuiteContext } from './suite';

export function chunkedCases(ctx: SuiteContext): void {
  describe('chunked upload', () => {
    const when = { when: ctx.traits.has('openChunkWriter'), skipReason: 'no openChunkWriter()' };
    /** The smallest part the service accepts, at least 1 MiB: a file of 2.5 parts is above any multipart threshold. */
    const partSize = () => Math.max(ctx.traits.features.minPartSize ?? 0, 1024 * 1024);

    ctx.it('uploads a file above the multipart threshold with parts out of order', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const size = Math.floor(partSize() * 2.5);
      const data = randomData(size);
      const writer = await c.openChunkWriter!(`${dir}/chunked.bin`, { size, partSize: partSize() });
      const part = (n: number) => data.subarray((n - 1) * partSize(), Math.min(n * partSize(), size));
      await writer.writePart(3, bodyOf(part(3)), part(3).length);
      await writer.writePart(1, bodyOf(part(1)), part(1).length);
      await writer.writePart(2, bodyOf(part(2)), part(2).length);
      const entry = await writer.complete(3);
      expect(entry).toMatchObject({ kind: 'file', name: 'chunked.bin', size });
      const back = await readAll((await c.read(`${dir}/chunked.bin`)).stream);
      expect(back.length).toBe(size);
      expect(sha256(back)).toBe(sha256(data));
    }, when);

    ctx.it('uploads parts in parallel', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const size = partSize() * 2 + 10;
      const data = randomData(size);
      const writer = await c.openChunkWriter!(`${dir}/parallel.bin`, { size, partSize: partSize() });
      const part = (n: number) => data.subarray((n - 1) * partSize(), Math.min(n * partSize(), size));
      await Promise.all([1, 2, 3].map((n) => writer.writePart(n, bodyOf(part(n)), part(n).length)));
      await writer.complete(3);
      const back = await readAll((await c.read(`${dir}/parallel.bin`)).stream);
      expect(sha256(back)).toBe(sha256(data));
    }, when);

    ctx.it('shows nothing before complete and nothing after abort', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const size = partSize() + 5;
      const writer = await c.openChunkWriter!(`${dir}/aborted.bin`, { size, partSize: partSize() });
      await writer.writePart(1, bodyOf(randomData(partSize())), partSize());
      await expectError(c.stat(`${dir}/aborted.bin`), NotFoundError);
      await writer.abort();
      await expectError(c.stat(`${dir}/aborted.bin`), NotFoundError);
      expect(await names(c, dir)).toEqual([]);
    }, when);
  });
}
