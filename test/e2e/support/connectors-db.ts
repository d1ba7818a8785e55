import { Client } from 'pg';

/**
 * Rows a table of the connectors schema holds for one account (account ids are
 * unique in the database), read as the connectors role: for tests that check
 * what is stored, not only what the API answers.
 */
export async function connectorsRowsOf(table: 'file_properties' | 'links', accountId: number): Promise<number> {
  const db = new Client({ connectionString: `postgres://svc_connectors:svc_connectors@127.0.0.1:5432/${process.env.TEST_DATABASE ?? 'unified_storage_test'}` });
  await db.connect();
  try {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM connectors.${table} WHERE account_id = $1`, [accountId]);
    return rows[0].n as number;
  } finally {
    await db.end();
  }
}

/** Waits (up to `ms`) for an account's rows to go: they are removed when connectors handles account.deleted. */
export async function waitUntilNoRows(table: 'file_properties' | 'links', accountId: number, ms = 10_000): Promise<number> {
  const until = Date.now() + ms;
  let left = await connectorsRowsOf(table, accountId);
  while (left > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    left = await connectorsRowsOf(table, accountId);
  }
  return left;
}
