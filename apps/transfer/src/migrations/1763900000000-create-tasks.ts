import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTasks1763900000000 implements MigrationInterface {
  name = 'CreateTasks1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        account_id integer NOT NULL,
        kind varchar(32) NOT NULL,
        status varchar(16) NOT NULL,
        info jsonb,
        result jsonb,
        error jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX tasks_app_account ON tasks (app_id, account_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tasks`);
  }
}
