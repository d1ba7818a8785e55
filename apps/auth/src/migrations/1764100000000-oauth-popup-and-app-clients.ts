import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The File Picker's popup flow (origin and request id per state) and per-app OAuth clients. */
export class OAuthPopupAndAppClients1764100000000 implements MigrationInterface {
  name = 'OAuthPopupAndAppClients1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE oauth_states ADD COLUMN popup_origin text`);
    await q.query(`ALTER TABLE oauth_states ADD COLUMN popup_request_id varchar(256)`);
    await q.query(`
      CREATE TABLE app_oauth_clients (
        app_id varchar(64) NOT NULL,
        service varchar(32) NOT NULL,
        client_id text NOT NULL,
        client_secret_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_oauth_clients_pkey PRIMARY KEY (app_id, service)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE app_oauth_clients`);
    await q.query(`ALTER TABLE oauth_states DROP COLUMN popup_request_id`);
    await q.query(`ALTER TABLE oauth_states DROP COLUMN popup_origin`);
  }
}
