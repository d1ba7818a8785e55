import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change feed (issue 11): per-account event sequence, the snapshot the
 * scan compares listings to (and `recent` reads), the scan's resumable queue of
 * folders, the apps whose webhooks watch file events, and the cursor key.
 */
export class ChangeFeed1765300000000 implements MigrationInterface {
  name = 'ChangeFeed1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE feed_accounts (
        account_id integer PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        last_seq bigint NOT NULL DEFAULT 0,
        pruned_seq bigint NOT NULL DEFAULT 0,
        generation integer NOT NULL DEFAULT 0,
        scanning boolean NOT NULL DEFAULT false,
        baseline_done boolean NOT NULL DEFAULT false,
        followed_until timestamptz,
        next_scan_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_scan_error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX feed_accounts_app ON feed_accounts (app_id)`);
    await q.query(`
      CREATE TABLE feed_events (
        account_id integer NOT NULL,
        seq bigint NOT NULL,
        type varchar(16) NOT NULL,
        object_id text NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, seq)
      )`);
    await q.query(`CREATE INDEX feed_events_occurred ON feed_events (occurred_at)`);
    await q.query(`
      CREATE TABLE feed_entries (
        account_id integer NOT NULL,
        locator text NOT NULL,
        parent text,
        kind varchar(8) NOT NULL,
        name text NOT NULL,
        size bigint,
        created timestamptz,
        modified timestamptz,
        mime_type text,
        path text,
        ancestors jsonb,
        seen_gen integer NOT NULL,
        settled boolean NOT NULL,
        pending varchar(8),
        PRIMARY KEY (account_id, locator)
      )`);
    await q.query(`CREATE INDEX feed_entries_parent ON feed_entries (account_id, parent)`);
    await q.query(`CREATE INDEX feed_entries_recent ON feed_entries (account_id, modified DESC, locator) WHERE kind = 'file'`);
    await q.query(`
      CREATE TABLE feed_scan_queue (
        account_id integer NOT NULL,
        locator text NOT NULL,
        cursor text,
        position bigserial,
        PRIMARY KEY (account_id, locator)
      )`);
    await q.query(`CREATE INDEX feed_scan_queue_order ON feed_scan_queue (account_id, position)`);
    await q.query(`
      CREATE TABLE feed_watched_apps (
        app_id varchar(64) PRIMARY KEY,
        watching boolean NOT NULL,
        changed_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE TABLE feed_keys (id smallint PRIMARY KEY, cursor_key bytea NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['feed_keys', 'feed_watched_apps', 'feed_scan_queue', 'feed_entries', 'feed_events', 'feed_accounts']) await q.query(`DROP TABLE ${t}`);
  }
}
