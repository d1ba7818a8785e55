import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { FeedEventType, PublicStorageObject } from '@app/common';
import type { SnapshotEntry } from './snapshot-entry';

export interface FeedScope {
  appId: string;
  accountId: number;
}

export interface FeedAccountState {
  appId: string;
  lastSeq: number;
  prunedSeq: number;
  generation: number;
  scanning: boolean;
  baselineDone: boolean;
}

export interface NewFeedEvent {
  type: FeedEventType;
  objectId: string;
  metadata: PublicStorageObject;
}

export interface StoredFeedEvent extends NewFeedEvent {
  seq: number;
  occurredAt: Date;
}

type Db = DataSource | EntityManager;

/** The rows of an UPDATE/DELETE … RETURNING (TypeORM's Postgres driver answers them as `[rows, count]`). */
export async function returning(db: Db, sql: string, params: unknown[]): Promise<any[]> {
  const result = await db.query(sql, params);
  return Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result;
}

/** Accounts, their event sequence and the cursor key (the `feed_accounts`, `feed_events` and `feed_keys` tables). */
@Injectable()
export class FeedRepository {
  constructor(@InjectDataSource() readonly db: DataSource) {}

  /** The account's row, made on first use. */
  async ensure(scope: FeedScope, db: Db = this.db): Promise<void> {
    await db.query(`INSERT INTO feed_accounts (account_id, app_id) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING`, [scope.accountId, scope.appId]);
  }

  async state(scope: FeedScope, db: Db = this.db): Promise<FeedAccountState | null> {
    const [row] = await db.query(
      `SELECT app_id, last_seq, pruned_seq, generation, scanning, baseline_done FROM feed_accounts WHERE account_id = $1 AND app_id = $2`,
      [scope.accountId, scope.appId],
    );
    if (!row) return null;
    return { appId: row.app_id, lastSeq: Number(row.last_seq), prunedSeq: Number(row.pruned_seq), generation: row.generation, scanning: row.scanning, baselineDone: row.baseline_done };
  }

  /** Appends events in order; the account row is locked meanwhile, so sequence numbers never interleave. */
  async append(m: EntityManager, scope: FeedScope, events: NewFeedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const [row] = await returning(m, `UPDATE feed_accounts SET last_seq = last_seq + $2 WHERE account_id = $1 RETURNING last_seq`, [scope.accountId, events.length]);
    const first = Number(row.last_seq) - events.length + 1;
    const values: unknown[] = [];
    const tuples = events.map((e, i) => {
      values.push(first + i, e.type, e.objectId, JSON.stringify(e.metadata));
      const b = i * 4;
      return `($1, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, now())`;
    });
    await m.query(`INSERT INTO feed_events (account_id, seq, type, object_id, metadata, occurred_at) VALUES ${tuples.join(', ')}`, [scope.accountId, ...values]);
  }

  /** Events after `afterSeq`, oldest first, and how many more there are past the page. */
  async page(accountId: number, afterSeq: number, limit: number): Promise<{ events: StoredFeedEvent[]; remaining: number }> {
    const rows = await this.db.query(
      `SELECT seq, type, object_id, metadata, occurred_at FROM feed_events WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [accountId, afterSeq, limit],
    );
    const events: StoredFeedEvent[] = rows.map((r: Record<string, unknown>) => ({
      seq: Number(r.seq),
      type: r.type as FeedEventType,
      objectId: r.object_id as string,
      metadata: r.metadata as PublicStorageObject,
      occurredAt: r.occurred_at as Date,
    }));
    const last = events.length ? events[events.length - 1].seq : afterSeq;
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM feed_events WHERE account_id = $1 AND seq > $2`, [accountId, last]);
    return { events, remaining: n };
  }

  /**
   * Drops events older than `maxAgeS`, and beyond the newest `maxPerAccount` of
   * an account; records the highest dropped sequence per account, so a cursor
   * from before it is known to have missed events.
   */
  async prune(maxAgeS: number, maxPerAccount: number): Promise<number> {
    // Two statements, each able to use an index: by age (feed_events_occurred), then by count on the
    // accounts past the limit only (the primary key's range).
    const byAge = `DELETE FROM feed_events WHERE occurred_at < now() - make_interval(secs => $1) RETURNING account_id, seq`;
    const byCount = `DELETE FROM feed_events e USING feed_accounts a
       WHERE e.account_id = a.account_id AND a.last_seq - a.pruned_seq > $1 AND e.seq > a.pruned_seq AND e.seq <= a.last_seq - $1 RETURNING e.account_id, e.seq`;
    let dropped = 0;
    for (const [sql, param] of [[byAge, maxAgeS], [byCount, maxPerAccount]] as const) {
      const rows = await returning(
        this.db,
        `WITH gone AS (${sql})
         UPDATE feed_accounts a SET pruned_seq = GREATEST(a.pruned_seq, g.top)
           FROM (SELECT account_id, max(seq) AS top, count(*) AS n FROM gone GROUP BY account_id) g
          WHERE a.account_id = g.account_id
         RETURNING g.n`,
        [param],
      );
      dropped += rows.reduce((sum: number, r: { n: string }) => sum + Number(r.n), 0);
    }
    return dropped;
  }

  /**
   * Reading the feed or the recent list opts the account into the periodic scan
   * for `forS` seconds (the retention: a reader gone longer has an expired cursor anyway).
   */
  async follow(scope: FeedScope, forS: number): Promise<void> {
    await this.db.query(`UPDATE feed_accounts SET followed_until = now() + make_interval(secs => $2) WHERE account_id = $1`, [scope.accountId, forS]);
  }

  /** Everything kept for an account (it was deleted). */
  async forget(accountId: number): Promise<void> {
    await this.db.transaction(async (m) => {
      for (const table of ['feed_events', 'feed_entries', 'feed_scan_queue', 'feed_accounts']) await m.query(`DELETE FROM ${table} WHERE account_id = $1`, [accountId]);
    });
  }

  async setWatching(appId: string, watching: boolean, at: Date): Promise<void> {
    // Events of one app arrive in order (keyed by app); the time check keeps a replayed old one from winning.
    await this.db.query(
      `INSERT INTO feed_watched_apps (app_id, watching, changed_at) VALUES ($1, $2, $3)
       ON CONFLICT (app_id) DO UPDATE SET watching = EXCLUDED.watching, changed_at = EXCLUDED.changed_at WHERE feed_watched_apps.changed_at <= EXCLUDED.changed_at`,
      [appId, watching, at],
    );
  }

  async watchedApps(): Promise<string[]> {
    const rows = await this.db.query(`SELECT app_id FROM feed_watched_apps WHERE watching ORDER BY app_id`);
    return rows.map((r: { app_id: string }) => r.app_id);
  }

  async followedAccounts(): Promise<FeedScope[]> {
    const rows = await this.db.query(`SELECT account_id, app_id FROM feed_accounts WHERE followed_until > now() ORDER BY account_id`);
    return rows.map((r: { account_id: number; app_id: string }) => ({ accountId: r.account_id, appId: r.app_id }));
  }

  /** The key that seals cursors: made once, kept in the schema so cursors survive restarts. */
  async cursorKey(): Promise<Buffer> {
    await this.db.query(`INSERT INTO feed_keys (id, cursor_key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [randomBytes(32)]);
    const [row] = await this.db.query(`SELECT cursor_key FROM feed_keys WHERE id = 1`);
    return row.cursor_key as Buffer;
  }

  /**
   * Takes the account's scan for `leaseS` seconds, when no one holds it and
   * (unless `evenIfNotDue`) its next pass is due. False when someone else has it.
   */
  async claimScan(scope: FeedScope, leaseS: number, evenIfNotDue = false): Promise<boolean> {
    const rows = await returning(
      this.db,
      `UPDATE feed_accounts SET lease_until = now() + make_interval(secs => $3)
        WHERE account_id = $1 AND app_id = $2 AND (lease_until IS NULL OR lease_until < now()) AND ($4 OR next_scan_at <= now())
        RETURNING account_id`,
      [scope.accountId, scope.appId, leaseS, evenIfNotDue],
    );
    return rows.length > 0;
  }

  /** Gives the scan back; `nextInS` = when the next run is due (0: at once, the pass goes on). */
  async releaseScan(scope: FeedScope, nextInS: number, error: string | null): Promise<void> {
    await this.db.query(`UPDATE feed_accounts SET lease_until = NULL, next_scan_at = now() + make_interval(secs => $2), last_scan_error = $3 WHERE account_id = $1`, [
      scope.accountId,
      nextInS,
      error,
    ]);
  }
}

/** What `recent` reads: files of the snapshot, newest modification first. */
export function rowToSnapshot(r: Record<string, unknown>): SnapshotEntry {
  return {
    locator: r.locator as string,
    parent: (r.parent as string | null) ?? null,
    kind: r.kind as 'file' | 'folder',
    name: r.name as string,
    size: r.size === null || r.size === undefined ? null : Number(r.size),
    created: (r.created as Date | null) ?? null,
    modified: (r.modified as Date | null) ?? null,
    mimeType: (r.mime_type as string | null) ?? null,
    path: (r.path as string | null) ?? null,
    ancestors: (r.ancestors as SnapshotEntry['ancestors']) ?? null,
    settled: r.settled !== false,
    pending: (r.pending as SnapshotEntry['pending']) ?? null,
  };
}
