import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApps1763900000000 implements MigrationInterface {
  name = 'CreateApps1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE apps (
        id varchar(64) PRIMARY KEY,
        name varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        app_id varchar(64) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        key_sha256 varchar(64) NOT NULL UNIQUE,
        key_prefix varchar(12) NOT NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_keys_app_id ON api_keys (app_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE apps`);
  }
}
