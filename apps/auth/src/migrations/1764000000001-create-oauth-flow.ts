import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOAuthFlow1764000000001 implements MigrationInterface {
  name = 'CreateOAuthFlow1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts ADD COLUMN upstream_user_id varchar(255)`);
    await q.query(`CREATE UNIQUE INDEX accounts_app_service_upstream_user ON accounts (app_id, service, upstream_user_id)`);
    await q.query(`
      CREATE TABLE oauth_states (
        state_sha256 varchar(64) PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        service varchar(32) NOT NULL,
        redirect_uri text NOT NULL,
        app_state text,
        scope varchar(1024) NOT NULL,
        code_verifier_sealed text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE oauth_codes (
        code_sha256 varchar(64) PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        account_id integer NOT NULL,
        redirect_uri text NOT NULL,
        scope varchar(1024) NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT oauth_codes_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE oauth_codes`);
    await q.query(`DROP TABLE oauth_states`);
    await q.query(`DROP INDEX accounts_app_service_upstream_user`);
    await q.query(`ALTER TABLE accounts DROP COLUMN upstream_user_id`);
  }
}
