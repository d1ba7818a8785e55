import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccessTokens1764000000000 implements MigrationInterface {
  name = 'CreateAccessTokens1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_tokens (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        token_sha256 varchar(64) NOT NULL UNIQUE,
        app_id varchar(64) NOT NULL,
        account_id integer NOT NULL,
        scope varchar(255) NOT NULL,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT access_tokens_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX access_tokens_account_id ON access_tokens (account_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_tokens`);
  }
}
