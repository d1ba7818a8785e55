import { Client } from 'pg';

/**
 * Rows a table of the connectors schema holds for one account (account ids are
 * unique in the database), read as the connectors role: for tests that check
 * what is stored, not only what the API answers.
 */
type AccountTable = 'file_properties' | 'links' | 'feed_accounts' | 'feed_events' | 'feed_entries';

export async function connectorsRowsOf(table: AccountTable, accountId: number): Promise<number> {
  return (await connectorsQuery(`SELECT count(*)::int AS n FROM connectors.${table} WHERE account_id = $1`, [accountId]))[0].n as number;
}

/** The change feed's state of an account (`connectors.feed_accounts`), or undefined before the feed knows it. */
export async function feedAccountOf(accountId: number): Promise<{ baseline_done: boolean; followed: boolean } | undefined> {
  return (await connectorsQuery(`SELECT baseline_done, coalesce(followed_until > now(), false) AS followed FROM connectors.feed_accounts WHERE account_id = $1`, [accountId]))[0];
}

async function connectorsQuery(sql: string, params: unknown[]): Promise<any[]> {
  const db = new Client({ connectionString: `postgres://svc_connectors:svc_connectors@127.0.0.1:5432/${process.env.TEST_DATABASE ?? 'unified_storage_test'}` });
  await db.connect();
  try {
    return (await db.query(sql, params)).rows;
  } finally {
    await db.end();
  }
}

/** Waits (up to `ms`) for an account's rows to go: they are removed when connectors handles account.deleted. */
export async function waitUntilNoRows(table: AccountTable, accountId: number, ms = 10_000): Promise<number> {
  const until = Date.now() + ms;
  let left = await connectorsRowsOf(table, accountId);
  while (left > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    left = await connectorsRowsOf(table, accountId);
  }
  return left;
}
