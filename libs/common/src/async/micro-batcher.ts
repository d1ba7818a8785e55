/**
 * Gathers calls made close together into one batch: `run(item)` settles as the
 * batch settled that item (`runBatch` answers one PromiseSettledResult per
 * item, so one bad item need not fail the others), or rejects with the batch's
 * error if `runBatch` throws. A batch starts when `maxItems` are waiting or `maxWaitMs`
 * after its first item; one batch runs at a time, so the next gathers while
 * the current one runs (under load batches grow by themselves).
 */
export class MicroBatcher<T, R> {
  private waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly runBatch: (items: T[]) => Promise<PromiseSettledResult<R>[]>,
    private readonly options: { maxItems: number; maxWaitMs: number },
  ) {}

  run(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.options.maxItems) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.options.maxWaitMs);
    });
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, this.options.maxItems);
    this.running = this.runBatch(batch.map((w) => w.item)).then(
      (results) => batch.forEach((w, i) => {
        const result = results[i];
        if (result?.status === 'fulfilled') w.resolve(result.value);
        else w.reject(result?.reason ?? new Error('the batch gave no result for this item'));
      }),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    ).finally(() => {
      this.running = undefined;
      // What gathered meanwhile goes next, at once.
      if (this.waiting.length > 0) this.kick();
    });
  }
}
