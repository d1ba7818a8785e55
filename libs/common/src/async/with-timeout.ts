/** Settles like `p`, or rejects with `onTimeout()` after `ms`; the timer never outlives the promise. */
export function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error = () => new Error(`timed out after ${ms} ms`)): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(onTimeout()), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
