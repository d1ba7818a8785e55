import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRedirectUris1764000000000 implements MigrationInterface {
  name = 'CreateRedirectUris1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_redirect_uris (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        uri text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_redirect_uris_app_id_fkey FOREIGN KEY (app_id) REFERENCES apps (id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX app_redirect_uris_app_id_uri ON app_redirect_uris (app_id, uri)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE app_redirect_uris`);
  }
}
