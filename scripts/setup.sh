#!/usr/bin/env bash
# One idempotent setup step, run by `npm start` and `npm test` (prestart/pretest):
# installs what is missing (Debian packages, npm packages), starts Postgres and
# Redis if they are down, creates the database roles and schemas, builds the
# development Kafka broker and the TypeScript. `--test` also installs the
# storage servers the connector conformance suite runs against.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN=$ROOT/.run
mkdir -p "$RUN/bin"
log() { printf '[setup] %s\n' "$*"; }

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ $APT_UPDATED -eq 0 ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# 1. System packages: Postgres, Redis, and librdkafka + a C compiler for the dev broker.
apt_install postgresql redis-server librdkafka-dev gcc libc6-dev

# 2. Postgres and Redis running.
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  log "starting Postgres"
  cluster=$(ls /etc/postgresql | sort -V | tail -n1)
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start || pg_ctlcluster "$cluster" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

# 3. Database, roles and schemas: one login role per service, owning only its schema.
pg_admin() {
  if psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q "$@"
  else
    runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q "$@"
  fi
}
for db in ${DATABASE_NAMES:-unified_storage unified_storage_test}; do
  if [ "$(pg_admin -d postgres -tAc "select 1 from pg_database where datname='$db'")" != "1" ]; then
    log "creating database $db"
    pg_admin -d postgres -c "CREATE DATABASE $db"
  fi
  pg_admin -d "$db" -f scripts/sql/roles-and-schemas.sql >/dev/null
done

# 4. npm packages (the lock file's versions) when missing or stale. `npm install`, not `npm ci`:
# npm 11 leaves other platforms' optional binaries (msgpackr-extract, unrs-resolver) out of
# the lock file, and `npm ci` then refuses the lock as out of sync.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
fi

# 5. The development Kafka broker (librdkafka's mock cluster).
if [ ! -x "$RUN/bin/kafka-dev-broker" ] || [ tools/kafka-dev-broker/kafka-dev-broker.c -nt "$RUN/bin/kafka-dev-broker" ] || [ tools/kafka-dev-broker/fetch-proxy.c -nt "$RUN/bin/kafka-dev-broker" ]; then
  log "building the development Kafka broker"
  cc -O2 -Wall -o "$RUN/bin/kafka-dev-broker" tools/kafka-dev-broker/kafka-dev-broker.c tools/kafka-dev-broker/fetch-proxy.c -lrdkafka
fi

# 6. TypeScript.
log "building TypeScript"
npx tsc -p tsconfig.build.json

# 7. Storage servers for the connector conformance suite, and the browser the File
#    Picker end-to-end test drives (test/e2e/file-picker.e2e-spec.ts, through playwright-core).
if [ "${1:-}" = "--test" ] && [ -f scripts/install-test-servers.sh ]; then
  bash scripts/install-test-servers.sh
fi
if [ "${1:-}" = "--test" ]; then
  apt_install chromium
fi
log "ready"
