#!/usr/bin/env bash
# npm run test:server — the database tests (*.int.test.ts) and the server-only tests (*.pg.test.ts) against a
# real PostgreSQL 15 + pgvector server.
#
# The server: TEST_DATABASE_URL when set (a database whose role may CREATE SCHEMA and CREATE DATABASE, with
# the vector extension available). Otherwise a throw-away cluster of its own from scripts/pg/start-test-server.sh
# (which installs postgresql-15 and pgvector through apt when run as root), stopped and deleted again when the
# tests end, whatever their outcome. A cluster someone else started is never stopped: this run keeps its own
# state file. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/../.."

PG_BIN=/usr/lib/postgresql/15/bin
if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
  if [[ $(id -u) -ne 0 ]] && ! { [[ -x $PG_BIN/postgres && -x $PG_BIN/initdb ]] && [[ -f /usr/share/postgresql/15/extension/vector.control ]]; }; then
    cat >&2 <<MSG
test:server needs a PostgreSQL 15 server with pgvector, and has none:
  - TEST_DATABASE_URL is not set, and
  - $PG_BIN/postgres, $PG_BIN/initdb or /usr/share/postgresql/15/extension/vector.control is missing,
  - and this is not root, so scripts/pg/start-test-server.sh cannot install them.
Either set TEST_DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE (the role may create schemas and
databases; CREATE EXTENSION vector must work), or run once as root: bash scripts/pg/start-test-server.sh
(it installs postgresql-15 and pgvector from Debian's packages), then run npm run test:server again.
MSG
    exit 1
  fi
  export YINONG_PG_STATE="/tmp/yinong-pg-test-server-$$.state"
  stop_ours() { bash scripts/pg/stop-test-server.sh || true; rm -f "$YINONG_PG_STATE.lock"; }
  trap stop_ours EXIT
  eval "$(bash scripts/pg/start-test-server.sh)"
fi

YINONG_TEST_SUITE=server TEST_DATABASE_URL="$TEST_DATABASE_URL" npx vitest run "$@"
