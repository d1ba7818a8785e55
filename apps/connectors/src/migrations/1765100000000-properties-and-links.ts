import type { MigrationInterface, QueryRunner } from 'typeorm';

/** File properties and shared links (issue 11), both keyed by app, account and the file's path. */
export class PropertiesAndLinks1765100000000 implements MigrationInterface {
  name = 'PropertiesAndLinks1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE file_properties (
        app_id varchar(64) NOT NULL,
        account_id integer NOT NULL,
        path text NOT NULL,
        key varchar(255) NOT NULL,
        value text NOT NULL,
        created_at timestamptz NOT NULL,
        modified_at timestamptz NOT NULL,
        PRIMARY KEY (app_id, account_id, path, key)
      )`);
    await q.query(`
      CREATE TABLE links (
        id uuid PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        account_id integer NOT NULL,
        path text NOT NULL,
        token_digest char(64) NOT NULL,
        token_sealed text NOT NULL,
        direct boolean NOT NULL,
        active boolean NOT NULL,
        expires_at timestamptz,
        password_hash text,
        created_at timestamptz NOT NULL,
        modified_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX links_token_digest ON links (token_digest)`);
    await q.query(`CREATE INDEX links_app_account ON links (app_id, account_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE links`);
    await q.query(`DROP TABLE file_properties`);
  }
}
