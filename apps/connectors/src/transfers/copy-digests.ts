import { createHash } from 'node:crypto';
import { UpstreamError } from '@app/common';
import type { Connector, Entry } from '../connectors/connector';

/**
 * MD5 and SHA-1 of the bytes a streamed copy read from its source, checked
 * against what the destination reports of the file it stored (S3's ETag of a
 * single PUT, Drive's md5Checksum, Box's sha1); a service that reports neither
 * is checked on size alone.
 */
export class CopyDigests {
  private readonly md5 = createHash('md5');
  private readonly sha1 = createHash('sha1');

  update(chunk: Buffer): void {
    this.md5.update(chunk);
    this.sha1.update(chunk);
  }

  /** Removes the copy and fails (retryably) when the destination reports a digest of other bytes. */
  async verify(destination: Connector, written: Entry): Promise<void> {
    const reported = written.checksums;
    if (!reported) return;
    const read = { md5: this.md5.digest('hex'), sha1: this.sha1.digest('hex') };
    const differs = (['md5', 'sha1'] as const).find((k) => reported[k] !== undefined && reported[k] !== read[k]);
    if (!differs) return;
    await destination.remove(written.locator, { recursive: false }).catch(() => undefined);
    throw new UpstreamError(undefined, `The copy's ${differs.toUpperCase()} differs from the bytes read from the source; it was removed and can be retried.`);
  }
}
