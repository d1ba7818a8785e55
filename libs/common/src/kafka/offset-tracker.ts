/**
 * Which offset of one partition may be committed when messages finish out of
 * order. Offsets are tracked in the order they were fetched; the commit point
 * only moves past a message once it and everything before it has finished, so
 * a crash never skips a message that was still running.
 */
export class OffsetTracker {
  private readonly running: Array<{ offset: bigint; done: boolean }> = [];
  private committable: bigint | null = null;

  /** A fetched message starts; offsets arrive in increasing order. */
  start(offset: string): void {
    this.running.push({ offset: BigInt(offset), done: false });
  }

  /** A message finished; returns the new commit point (next offset to read) when it moved, else null. */
  finish(offset: string): string | null {
    const target = BigInt(offset);
    const entry = this.running.find((e) => e.offset === target);
    if (!entry) return null;
    entry.done = true;
    let moved = false;
    while (this.running.length > 0 && this.running[0].done) {
      this.committable = this.running.shift()!.offset + 1n;
      moved = true;
    }
    return moved ? String(this.committable) : null;
  }

  /** Messages started and not yet committable. */
  get pending(): number {
    return this.running.length;
  }
}
