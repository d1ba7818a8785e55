import { createHash } from 'node:crypto';
import { UpstreamError } from '@app/common';
import type { Connector, Entry } from '../connectors/connector';
import { CopyDigests } from './copy-digests';

const bytes = Buffer.from('the bytes that were read');
const md5 = createHash('md5').update(bytes).digest('hex');
const sha1 = createHash('sha1').update(bytes).digest('hex');
const entry = (checksums?: Entry['checksums']): Entry => ({ locator: 'f', parent: '', name: 'f', kind: 'file', size: bytes.length, created: null, modified: null, checksums });

function destination() {
  const removed: string[] = [];
  return { removed, connector: { remove: async (locator: string) => void removed.push(locator) } as unknown as Connector };
}

describe('CopyDigests', () => {
  it('accepts a copy whose reported digests are those of the bytes read, or that reports none', async () => {
    for (const checksums of [{ md5 }, { sha1 }, { md5, sha1 }, undefined]) {
      const d = new CopyDigests();
      d.update(bytes);
      const dest = destination();
      await d.verify(dest.connector, entry(checksums));
      expect(dest.removed).toEqual([]);
    }
  });

  it('removes a copy whose reported digest differs and fails retryably', async () => {
    const d = new CopyDigests();
    d.update(bytes.subarray(1));
    const dest = destination();
    const err = await d.verify(dest.connector, entry({ md5 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/MD5 differs/);
    expect(dest.removed).toEqual(['f']);
  });
});
