import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhooks1764000000000 implements MigrationInterface {
  name = 'CreateWebhooks1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        url text NOT NULL,
        events text[] NOT NULL,
        description text,
        active boolean NOT NULL DEFAULT true,
        disabled_reason text,
        disabled_at timestamptz,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        consecutive_failures integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX subscriptions_app_id_created_at ON subscriptions (app_id, created_at)`);
    await q.query(`
      CREATE TABLE events (
        id varchar(128) PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        type varchar(128) NOT NULL,
        account_id integer,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX events_app_id_occurred_at ON events (app_id, occurred_at)`);
    await q.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        app_id varchar(64) NOT NULL,
        subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        event_id varchar(128) NOT NULL REFERENCES events (id),
        event_type varchar(128) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempt_count integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        first_attempt_at timestamptz,
        next_attempt_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX deliveries_subscription_id_event_id ON deliveries (subscription_id, event_id)`);
    await q.query(`CREATE INDEX deliveries_subscription_id_created_at ON deliveries (subscription_id, created_at)`);
    await q.query(`CREATE INDEX deliveries_event_id ON deliveries (event_id)`);
    await q.query(`CREATE INDEX deliveries_pending_next_attempt_at ON deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`
      CREATE TABLE delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        status_code integer,
        latency_ms integer NOT NULL,
        response text,
        error text,
        success boolean NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX delivery_attempts_delivery_id_attempt ON delivery_attempts (delivery_id, attempt)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_attempts`);
    await q.query(`DROP TABLE deliveries`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP TABLE subscriptions`);
  }
}
