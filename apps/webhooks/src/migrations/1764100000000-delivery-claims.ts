import type { MigrationInterface, QueryRunner } from 'typeorm';

/** First attempts are claimed from Postgres in batches (a lease per delivery), not queued one by one. */
export class DeliveryClaims1764100000000 implements MigrationInterface {
  name = 'DeliveryClaims1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN claimed_until timestamptz`);
    await q.query(`CREATE INDEX deliveries_first_attempt_due ON deliveries (next_attempt_at) WHERE status = 'pending' AND attempt_count = 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_first_attempt_due`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN claimed_until`);
  }
}
