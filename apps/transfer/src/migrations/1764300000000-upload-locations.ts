import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Upload locations: folders in an app's accounts where picker copies and presigned uploads land; at most one default per app. */
export class UploadLocations1764300000000 implements MigrationInterface {
  name = 'UploadLocations1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE upload_locations (
        id uuid PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        account_id integer NOT NULL,
        folder_id varchar(4096) NOT NULL,
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX upload_locations_app ON upload_locations (app_id, created_at)`);
    await q.query(`CREATE UNIQUE INDEX upload_locations_one_default ON upload_locations (app_id) WHERE is_default`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE upload_locations`);
  }
}
