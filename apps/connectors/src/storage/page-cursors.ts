/**
 * Kloudless clients page with numbers (page=1,2,...) while connectors page
 * with opaque cursors. This keeps the cursor that starts page N of a listing
 * so that page N does not re-walk pages 1..N-1. In memory, bounded, short-lived:
 * a miss only costs a re-walk, never a wrong page.
 */
export class PageCursors {
  private readonly entries = new Map<string, { cursor: string; expires: number }>();

  constructor(private readonly ttlMs = 10 * 60_000, private readonly max = 10_000) {}

  get(key: string, page: number): string | undefined {
    const hit = this.entries.get(`${key}#${page}`);
    if (!hit || hit.expires < Date.now()) return undefined;
    return hit.cursor;
  }

  set(key: string, page: number, cursor: string): void {
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(`${key}#${page}`, { cursor, expires: Date.now() + this.ttlMs });
  }
}
