import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A session keeps its upstream upload state and part receipts, so it survives a restart of connectors. */
export class MultipartUploadState1764200000000 implements MigrationInterface {
  name = 'MultipartUploadState1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE multipart_sessions ADD COLUMN upload_state jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE multipart_sessions ADD COLUMN parts jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE multipart_sessions DROP COLUMN parts`);
    await q.query(`ALTER TABLE multipart_sessions DROP COLUMN upload_state`);
  }
}
