import { InvalidParametersError } from '@app/common';
import type { ChunkWriter, PartSpec, UploadedPart } from '../../src/connectors/connector';
import { bodyOf, expectError, loc, names, randomData, readAll, sha256 } from './helpers';
import type { SuiteContext } from './suite';

export function chunkedCases(ctx: SuiteContext): void {
  describe('chunked upload', () => {
    const when = { when: ctx.traits.has('openChunkWriter'), skipReason: 'no openChunkWriter()' };
    /** The smallest part the service accepts, at least 1 MiB: a file of 2.5 parts is above any multipart threshold. */
    const partSize = () => Math.max(ctx.traits.features.minPartSize ?? 0, 1024 * 1024);
    /** Parts of `sizes` bytes, numbered 1, 2, ... (or by `numbers`), covering `data` in order. */
    const plan = (sizes: number[], numbers?: number[]): PartSpec[] => {
      let offset = 0;
      return sizes.map((size, i) => {
        const part = { number: numbers?.[i] ?? i + 1, offset, size };
        offset += size;
        return part;
      });
    };
    const send = async (writer: ChunkWriter, data: Buffer, part: PartSpec): Promise<UploadedPart> => ({
      ...part,
      receipt: await writer.writePart(part, bodyOf(data.subarray(part.offset, part.offset + part.size))),
    });

    ctx.it('uploads a file above the multipart threshold with parts out of order', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const size = Math.floor(partSize() * 2.5);
      const data = randomData(size);
      const writer = await c.openChunkWriter!(await loc(c, dir), 'chunked.bin', { size });
      const parts = plan([partSize(), partSize(), size - 2 * partSize()]);
      const done = [await send(writer, data, parts[2]), await send(writer, data, parts[0]), await send(writer, data, parts[1])];
      const entry = await writer.complete(done);
      expect(entry).toMatchObject({ kind: 'file', name: 'chunked.bin', size });
      const back = await readAll((await c.read(await loc(c, `${dir}/chunked.bin`))).stream);
      expect(back.length).toBe(size);
      expect(sha256(back)).toBe(sha256(data));
    }, when);

    ctx.it('uploads parts in parallel', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const size = partSize() * 2 + 10;
      const data = randomData(size);
      const writer = await c.openChunkWriter!(await loc(c, dir), 'parallel.bin', { size });
      const done = await Promise.all(plan([partSize(), partSize(), 10]).map((p) => send(writer, data, p)));
      await writer.complete(done);
      const back = await readAll((await c.read(await loc(c, `${dir}/parallel.bin`))).stream);
      expect(sha256(back)).toBe(sha256(data));
    }, when);

    ctx.it('takes parts of different sizes with gaps between their numbers (a re-chunked transfer)', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const size = partSize() * 4 + 3;
      const data = randomData(size);
      const writer = await c.openChunkWriter!(await loc(c, dir), 'uneven.bin', { size });
      const done = await Promise.all(plan([partSize() * 2, partSize(), partSize(), 3], [1, 9, 13, 17]).map((p) => send(writer, data, p)));
      await writer.complete(done);
      expect(sha256(await readAll((await c.read(await loc(c, `${dir}/uneven.bin`))).stream))).toBe(sha256(data));
    }, when);

    ctx.it('continues an upload from its state in a new writer (a restart), without the parts sent before', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const size = partSize() * 2 + 7;
      const data = randomData(size);
      const parts = plan([partSize(), partSize(), 7]);
      const first = await c.openChunkWriter!(await loc(c, dir), 'resumed.bin', { size, uploadKey: 'resume-test-1' });
      const sent = await send(first, data, parts[0]);
      const state = JSON.parse(JSON.stringify(first.state));
      const second = await c.openChunkWriter!(await loc(c, dir), 'resumed.bin', { size, resume: state });
      const rest = await Promise.all(parts.slice(1).map((p) => send(second, data, p)));
      await second.complete([sent, ...rest]);
      expect(sha256(await readAll((await c.read(await loc(c, `${dir}/resumed.bin`))).stream))).toBe(sha256(data));
    }, when);

    ctx.it('refuses to commit parts that leave a gap', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const size = partSize() * 2;
      const data = randomData(size);
      const writer = await c.openChunkWriter!(await loc(c, dir), 'gap.bin', { size });
      const [one] = plan([partSize(), partSize()]);
      await expectError(writer.complete([await send(writer, data, one)]), InvalidParametersError);
      expect(await c.lookup(await loc(c, dir), 'gap.bin')).toBeNull();
    }, when);

    ctx.it('shows nothing before complete and nothing after abort', async () => {
      const c = ctx.connector();
      const dir = await ctx.folder();
      const size = partSize() + 5;
      const writer = await c.openChunkWriter!(await loc(c, dir), 'aborted.bin', { size });
      await send(writer, randomData(size), { number: 1, offset: 0, size: partSize() });
      expect(await c.lookup(await loc(c, dir), 'aborted.bin')).toBeNull();
      await writer.abort();
      expect(await c.lookup(await loc(c, dir), 'aborted.bin')).toBeNull();
      expect(await names(c, dir)).toEqual([]);
    }, when);
  });
}
