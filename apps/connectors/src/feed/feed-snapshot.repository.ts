import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returning, rowToSnapshot } from './feed.repository';
import type { SnapshotEntry } from './snapshot-entry';

type Db = DataSource | EntityManager;
const COLUMNS = 'locator, parent, kind, name, size, created, modified, mime_type, path, ancestors, settled, pending';

/**
 * The snapshot of each account (`feed_entries`: what the feed last saw, for
 * the scan's diff and for `recent`) and the scan's queue of folders still to
 * list in the current pass (`feed_scan_queue`, with the listing cursor of the
 * folder it is in, so a run resumes mid-folder).
 */
@Injectable()
export class FeedSnapshotRepository {
  constructor(@InjectDataSource() readonly db: DataSource) {}

  async get(accountId: number, locators: string[], db: Db = this.db): Promise<Map<string, SnapshotEntry>> {
    if (locators.length === 0) return new Map();
    const rows = await db.query(`SELECT ${COLUMNS} FROM feed_entries WHERE account_id = $1 AND locator = ANY($2)`, [accountId, locators]);
    return new Map(rows.map((r: Record<string, unknown>) => [r.locator as string, rowToSnapshot(r)]));
  }

  /** Writes entries as seen in pass `gen` (a change through the API counts as seen in the current pass). */
  async upsert(m: Db, accountId: number, entries: SnapshotEntry[], gen: number): Promise<void> {
    for (const e of entries) {
      await m.query(
        `INSERT INTO feed_entries (account_id, ${COLUMNS}, seen_gen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14)
         ON CONFLICT (account_id, locator) DO UPDATE SET parent = EXCLUDED.parent, kind = EXCLUDED.kind, name = EXCLUDED.name, size = EXCLUDED.size,
           created = EXCLUDED.created, modified = EXCLUDED.modified, mime_type = EXCLUDED.mime_type, path = EXCLUDED.path, ancestors = EXCLUDED.ancestors,
           settled = EXCLUDED.settled, pending = EXCLUDED.pending, seen_gen = EXCLUDED.seen_gen`,
        [accountId, e.locator, e.parent, e.kind, e.name, e.size, e.created, e.modified, e.mimeType, e.path, e.ancestors ? JSON.stringify(e.ancestors) : null, e.settled, e.pending, gen],
      );
    }
  }

  async markSeen(m: Db, accountId: number, locators: string[], gen: number): Promise<void> {
    if (locators.length) await m.query(`UPDATE feed_entries SET seen_gen = $3 WHERE account_id = $1 AND locator = ANY($2)`, [accountId, locators, gen]);
  }

  /** Children of a folder the current pass listed to the end without seeing them: gone. */
  async unseenChildren(m: Db, accountId: number, folder: string, gen: number): Promise<SnapshotEntry[]> {
    // (a row marked missing keeps its old generation, so it comes back here on the next pass)
    const rows = await m.query(`SELECT ${COLUMNS} FROM feed_entries WHERE account_id = $1 AND parent = $2 AND seen_gen < $3`, [accountId, folder, gen]);
    return rows.map(rowToSnapshot);
  }

  /** Marks an object the pass missed; the next pass reports it deleted if it misses it too. */
  async markMissing(m: Db, accountId: number, locator: string): Promise<void> {
    await m.query(`UPDATE feed_entries SET pending = 'delete' WHERE account_id = $1 AND locator = $2`, [accountId, locator]);
  }

  /** Removes an object and everything below it (walking `parent`, which works for both kinds of addressing); answers the object's row. */
  async removeTree(m: Db, accountId: number, locator: string): Promise<SnapshotEntry | null> {
    const [top] = await m.query(`SELECT ${COLUMNS} FROM feed_entries WHERE account_id = $1 AND locator = $2`, [accountId, locator]);
    await m.query(
      `WITH RECURSIVE tree(locator) AS (
         SELECT $2::text UNION SELECT e.locator FROM feed_entries e JOIN tree t ON e.account_id = $1 AND e.parent = t.locator)
       DELETE FROM feed_entries WHERE account_id = $1 AND locator IN (SELECT locator FROM tree)`,
      [accountId, locator],
    );
    await m.query(`DELETE FROM feed_scan_queue WHERE account_id = $1 AND locator = $2`, [accountId, locator]);
    return top ? rowToSnapshot(top) : null;
  }

  /**
   * A folder moved on a path-addressed service: its descendants' locators (and
   * parents) get the new prefix, as their ids did. Rows already at the target
   * (stale) give way.
   */
  async movePrefix(m: Db, accountId: number, from: string, to: string): Promise<void> {
    const below = `left(locator, length($2) + 1) = $2 || '/'`;
    await m.query(`DELETE FROM feed_entries WHERE account_id = $1 AND left(locator, length($2) + 1) = $2 || '/'`, [accountId, to]);
    await m.query(
      `UPDATE feed_entries SET locator = $3 || substr(locator, length($2) + 1), parent = $3 || substr(parent, length($2) + 1) WHERE account_id = $1 AND ${below}`,
      [accountId, from, to],
    );
  }

  /** Files, newest modification first (ties by locator, for stable pages), optionally modified after `after` (strictly, as Kloudless: a file's own `modified` as `after` leaves it out). */
  async recent(accountId: number, after: Date | null, offset: number, limit: number): Promise<{ items: SnapshotEntry[]; total: number }> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM feed_entries WHERE account_id = $1 AND kind = 'file' AND ($2::timestamptz IS NULL OR modified > $2) AND pending IS DISTINCT FROM 'delete'
        ORDER BY modified DESC NULLS LAST, locator LIMIT $3 OFFSET $4`,
      [accountId, after, limit, offset],
    );
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM feed_entries WHERE account_id = $1 AND kind = 'file' AND ($2::timestamptz IS NULL OR modified > $2) AND pending IS DISTINCT FROM 'delete'`, [
      accountId,
      after,
    ]);
    return { items: rows.map(rowToSnapshot), total: n };
  }

  // --- the scan's queue ---

  /** Starts a pass: a new generation, the queue holding the root only. Answers the generation. */
  async startPass(m: Db, accountId: number): Promise<number> {
    await m.query(`DELETE FROM feed_scan_queue WHERE account_id = $1`, [accountId]);
    await m.query(`INSERT INTO feed_scan_queue (account_id, locator) VALUES ($1, '')`, [accountId]);
    const [row] = await returning(m, `UPDATE feed_accounts SET generation = generation + 1, scanning = true WHERE account_id = $1 RETURNING generation`, [accountId]);
    return row.generation;
  }

  async nextFolder(accountId: number): Promise<{ locator: string; cursor: string | null } | null> {
    const [row] = await this.db.query(`SELECT locator, cursor FROM feed_scan_queue WHERE account_id = $1 ORDER BY position LIMIT 1`, [accountId]);
    return row ? { locator: row.locator, cursor: row.cursor } : null;
  }

  async enqueue(m: Db, accountId: number, folders: string[]): Promise<void> {
    for (const f of folders) await m.query(`INSERT INTO feed_scan_queue (account_id, locator) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [accountId, f]);
  }

  async setCursor(m: Db, accountId: number, folder: string, cursor: string | null): Promise<void> {
    await m.query(`UPDATE feed_scan_queue SET cursor = $3 WHERE account_id = $1 AND locator = $2`, [accountId, folder, cursor]);
  }

  async folderDone(m: Db, accountId: number, folder: string): Promise<void> {
    await m.query(`DELETE FROM feed_scan_queue WHERE account_id = $1 AND locator = $2`, [accountId, folder]);
  }

  async finishPass(m: Db, accountId: number): Promise<void> {
    await m.query(`UPDATE feed_accounts SET scanning = false, baseline_done = true WHERE account_id = $1`, [accountId]);
  }
}
