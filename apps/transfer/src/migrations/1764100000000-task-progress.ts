import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a running task needs: its parameters, a cancel flag any instance can set, and when it ran. */
export class TaskProgress1764100000000 implements MigrationInterface {
  name = 'TaskProgress1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks ADD COLUMN params jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE tasks ALTER COLUMN params DROP DEFAULT`); // existing rows got {}; new ones always say what to do
    await q.query(`ALTER TABLE tasks ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE tasks ADD COLUMN started_at timestamptz`);
    await q.query(`ALTER TABLE tasks ADD COLUMN finished_at timestamptz`);
    await q.query(`CREATE INDEX tasks_app_status ON tasks (app_id, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX tasks_app_status`);
    await q.query(`ALTER TABLE tasks DROP COLUMN finished_at, DROP COLUMN started_at, DROP COLUMN cancel_requested, DROP COLUMN params`);
  }
}
