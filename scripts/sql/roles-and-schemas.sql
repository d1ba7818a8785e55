-- Idempotent: one login role per service, each owning one schema and reaching no other.
-- Development passwords equal the role name; production sets its own (see README).
DO $$
DECLARE svc text;
BEGIN
  FOREACH svc IN ARRAY ARRAY['gateway', 'auth', 'connectors', 'transfer', 'webhooks'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'svc_' || svc) THEN
      EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', 'svc_' || svc, 'svc_' || svc);
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', svc, 'svc_' || svc);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', svc);
  END LOOP;
END $$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
