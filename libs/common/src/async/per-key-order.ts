/**
 * Runs work for the same key one after another, in the order it was handed
 * in, and work for different keys side by side. A key's chain is forgotten as
 * soon as it runs dry, so memory follows the keys in flight, not all keys seen.
 */
export class PerKeyOrder {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(work) : work();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
