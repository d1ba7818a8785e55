import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Files of the presigned-upload API (seed 001): where each goes, what it must be, and how far it got. */
export class PresignedUploads1764400000000 implements MigrationInterface {
  name = 'PresignedUploads1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE presigned_uploads (
        id uuid PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        key varchar(1024) NOT NULL,
        filename varchar(255) NOT NULL,
        content_type varchar(255) NOT NULL,
        size bigint NOT NULL,
        tags jsonb NOT NULL DEFAULT '{}',
        status varchar(16) NOT NULL,
        account_id integer NOT NULL,
        folder_id varchar(4096) NOT NULL,
        file_id varchar(8192) NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX presigned_uploads_app_key ON presigned_uploads (app_id, key)`);
    await q.query(`CREATE INDEX presigned_uploads_app_created ON presigned_uploads (app_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE presigned_uploads`);
  }
}
