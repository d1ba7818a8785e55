import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Origins (for the File Picker's popup flow) live beside redirect URIs, told apart by `kind`. */
export class AddAppOrigins1764100000000 implements MigrationInterface {
  name = 'AddAppOrigins1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_redirect_uris ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'redirect_uri'`);
    await q.query(`DROP INDEX app_redirect_uris_app_id_uri`);
    await q.query(`CREATE UNIQUE INDEX app_redirect_uris_app_id_kind_uri ON app_redirect_uris (app_id, kind, uri)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM app_redirect_uris WHERE kind <> 'redirect_uri'`);
    await q.query(`DROP INDEX app_redirect_uris_app_id_kind_uri`);
    await q.query(`CREATE UNIQUE INDEX app_redirect_uris_app_id_uri ON app_redirect_uris (app_id, uri)`);
    await q.query(`ALTER TABLE app_redirect_uris DROP COLUMN kind`);
  }
}
