import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loopbackDeps } from '../../../test/servers/util';
import { start } from '../../../test/servers/s3';
import { connectorTypes } from '../registry';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Copies above CopyObject's limit go as UploadPartCopy parts (the limit lowered so a test file crosses it). */
describe('S3 server-side copy of large objects (s3rver)', () => {
  let server: Awaited<ReturnType<typeof start>>;
  let s3: S3Client;

  beforeAll(async () => {
    server = await start();
    s3 = new S3Client({ region: 'us-east-1', endpoint: server.config.endpoint, forcePathStyle: true, credentials: { accessKeyId: server.config.accessKeyId, secretAccessKey: server.config.secretAccessKey } });
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  const connector = (extra: Record<string, unknown>) => {
    const type = connectorTypes.s3_compatible;
    return type.create(type.validateConfig({ ...server.config, ...extra }), loopbackDeps);
  };

  it('copies a file above multipartCopyAbove in parts, byte-identical, and a small one in one CopyObject', async () => {
    const c = connector({ multipartCopyAbove: 6 * MiB, multipartCopyPartSize: 5 * MiB });
    const big = randomBytes(13 * MiB + 17);
    const folder = await c.mkdir('', `mpc-${Date.now()}`);
    const written = await c.write(folder.locator, 'big.bin', Readable.from([big]), { size: big.length });
    const sent = jest.spyOn(S3Client.prototype, 'send');
    const commands = () => sent.mock.calls.map(([command]) => command.constructor.name);
    const copy = await c.copy!(written.locator, folder.locator, 'big-copy.bin');
    expect(copy).toMatchObject({ name: 'big-copy.bin', size: big.length });
    // 13 MiB in 5 MiB parts: three UploadPartCopy, no CopyObject.
    expect(commands().filter((n) => n === 'UploadPartCopyCommand')).toHaveLength(3);
    expect(commands()).not.toContain('CopyObjectCommand');
    expect(sha256(await readAll((await c.read(copy.locator)).stream))).toBe(sha256(big));
    const head = await s3.send(new HeadObjectCommand({ Bucket: server.config.bucket, Key: `${server.config.prefix}${copy.locator}` }));
    expect(head.ContentLength).toBe(big.length);

    sent.mockClear();
    const small = await c.write(folder.locator, 'small.bin', Readable.from([randomBytes(MiB)]), { size: MiB });
    await c.copy!(small.locator, folder.locator, 'small-copy.bin');
    expect(commands().filter((n) => /Copy/.test(n))).toEqual(['CopyObjectCommand']);
    sent.mockRestore();
  }, 60_000);

  it('refuses part sizes S3 would refuse', () => {
    expect(() => connectorTypes.s3_compatible.validateConfig({ ...server.config, multipartCopyPartSize: MiB })).toThrow(/between 5 MiB and 5 GiB/);
  });
});
