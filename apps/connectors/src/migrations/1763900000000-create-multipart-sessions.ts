import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMultipartSessions1763900000000 implements MigrationInterface {
  name = 'CreateMultipartSessions1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE multipart_sessions (
        id uuid PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        account_id integer NOT NULL,
        parent_id text NOT NULL,
        path text NOT NULL,
        size bigint NOT NULL,
        part_size bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX multipart_sessions_app_account ON multipart_sessions (app_id, account_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE multipart_sessions`);
  }
}
