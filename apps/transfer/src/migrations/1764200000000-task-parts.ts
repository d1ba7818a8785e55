import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chunked copies: the destination's open upload on the task (`upload`: source,
 * target, upstream upload state and limits) and one row per part, so a
 * restarted worker continues from the parts already done.
 */
export class TaskParts1764200000000 implements MigrationInterface {
  name = 'TaskParts1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks ADD COLUMN upload jsonb`);
    await q.query(`
      CREATE TABLE task_parts (
        task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        number integer NOT NULL,
        width integer NOT NULL,
        "offset" bigint NOT NULL,
        size bigint NOT NULL,
        status varchar(8) NOT NULL DEFAULT 'pending',
        receipt jsonb,
        attempts integer NOT NULL DEFAULT 0,
        duration_ms integer,
        done_at timestamptz,
        PRIMARY KEY (task_id, number)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE task_parts`);
    await q.query(`ALTER TABLE tasks DROP COLUMN upload`);
  }
}
