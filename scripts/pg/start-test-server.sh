#!/usr/bin/env bash
# Start a throw-away PostgreSQL 15 + pgvector server for tests.
#
#   eval "$(bash scripts/pg/start-test-server.sh)"
#
# stdout: exactly one line, `export TEST_DATABASE_URL=postgres://...`
#         (on failure: the single word `false`, so that the eval fails too)
# stderr: all progress / log output.
#
# Installs (Debian 12, as root, first run only): postgresql-15 and pgvector
# (Debian package if bookworm has one, else built from Debian trixie's source
# package). Then initdb's a fresh cluster under /tmp/yinong-pg-<port> on a free
# port >= 55432, listening on 127.0.0.1 only, and creates database yinong_test
# with the vector extension. Idempotent: if the cluster recorded in the state
# file is still running it is reused. Stop with scripts/pg/stop-test-server.sh.
#
# Environment overrides:
#   YINONG_PG_STATE       state file            (default /tmp/yinong-pg.state)
#   YINONG_PG_PORT_START  first port to try     (default 55432)
#   YINONG_PG_DB          database name         (default yinong_test)
set -Eeuo pipefail

# All normal output goes to stderr; fd 3 is the real stdout for the export line.
exec 3>&1 1>&2

PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
PG_SHARE="/usr/share/postgresql/${PG_MAJOR}"
PG_LIB="/usr/lib/postgresql/${PG_MAJOR}/lib"
STATE_FILE="${YINONG_PG_STATE:-/tmp/yinong-pg.state}"
LOCK_FILE="${STATE_FILE}.lock"
PORT_START="${YINONG_PG_PORT_START:-55432}"
DB_NAME="${YINONG_PG_DB:-yinong_test}"
DB_USER=postgres
DB_PASS=postgres
MARKER=.yinong-test-cluster
TRIXIE_LIST=/etc/apt/sources.list.d/yinong-trixie-src.sources
TRIXIE_PIN=/etc/apt/preferences.d/yinong-trixie-src.pref

T0=$(date +%s)
log() { printf '[pg-test %3ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

BUILD_DIR=""
cleanup() {
  local rc=$?
  rm -f "$TRIXIE_LIST" "$TRIXIE_PIN" 2>/dev/null || true
  (( POLICY_RC_OURS )) && rm -f "$POLICY_RC"
  [[ -n "$BUILD_DIR" ]] && rm -rf "$BUILD_DIR"
  if (( rc != 0 )); then
    log "FAILED (exit $rc)"
    printf 'false\n' >&3
  fi
}
trap cleanup EXIT

is_root() { [[ $(id -u) -eq 0 ]]; }

# Run a command as the unprivileged cluster owner (initdb/postgres refuse root).
# fds 3 (our stdout pipe) and 8 (the lock) are closed so that the postmaster does
# not inherit them: otherwise `eval "$(...)"` would never see EOF, and the stop
# script would wait for the lock forever.
as_owner() {
  if is_root; then
    (cd /tmp && runuser -u postgres -- "$@" 3>&- 8>&-)
  else
    (cd /tmp && "$@" 3>&- 8>&-)
  fi
}

vector_installed() {
  [[ -f "$PG_SHARE/extension/vector.control" && -f "$PG_LIB/vector.so" ]]
}

pg_installed() {
  [[ -x "$PG_BIN/postgres" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" && -x "$PG_BIN/psql" ]]
}

APT_OPTS=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=600
          -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
export DEBIAN_FRONTEND=noninteractive

# apt/dpkg may start daemons from maintainer scripts: keep our fds 3 and 8 from them.
apt_get() { apt-get "$@" 3>&- 8>&-; }
apt_install() { apt_get install --no-install-recommends "${APT_OPTS[@]}" "$@"; }

# Stop dpkg maintainer scripts from starting services (e.g. Debian's own
# postgresql cluster on 5432) while we install: standard policy-rc.d trick.
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_OURS=0
block_service_starts() {
  if [[ ! -e "$POLICY_RC" ]]; then
    printf '#!/bin/sh\n# temporary, from scripts/pg/start-test-server.sh\nexit 101\n' > "$POLICY_RC"
    chmod 755 "$POLICY_RC"
    POLICY_RC_OURS=1
  fi
}

# The Debian mirror (and keyring) the machine already uses for bookworm.
detect_mirror() {
  local f uri="" keyring=""
  shopt -s nullglob
  # deb822 .sources files: first stanza with Types: deb and a bookworm suite that is not -security.
  for f in /etc/apt/sources.list.d/*.sources; do
    read -r uri keyring < <(awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && uris != "" && !found) {
          split(uris, u, " "); printf "%s %s\n", u[1], (signed == "" ? "-" : signed); found = 1
        }
        types = suites = uris = signed = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]*#/ { next }
      tolower($1) == "types:"     { $1 = ""; types = $0 }
      tolower($1) == "suites:"    { $1 = ""; suites = $0 }
      tolower($1) == "uris:"      { $1 = ""; sub(/^ +/, ""); uris = $0 }
      tolower($1) == "signed-by:" { $1 = ""; sub(/^ +/, ""); signed = $0 }
      END { flush() }' "$f") || true
    [[ -n "$uri" ]] && break
  done
  # one-line format: deb [opts] URI bookworm component...
  if [[ -z "$uri" ]]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -f "$f" ]] || continue
      uri=$(sed -E 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }') || true
      [[ -n "$uri" ]] && break
    done
  fi
  shopt -u nullglob
  [[ -n "$uri" ]] || uri=http://deb.debian.org/debian
  if [[ -z "$keyring" || "$keyring" == "-" || ! -f "$keyring" ]]; then
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  fi
  printf '%s %s\n' "${uri%/}" "$keyring"
}

build_pgvector_from_trixie_source() {
  local mirror keyring
  read -r mirror keyring < <(detect_mirror)
  log "pgvector: no bookworm package; building from Debian trixie source (mirror $mirror)"

  cat > "$TRIXIE_PIN" <<PIN
# Added temporarily by scripts/pg/start-test-server.sh: never take binaries from trixie.
Package: *
Pin: release n=trixie
Pin-Priority: 1
PIN
  {
    echo "# Added temporarily by scripts/pg/start-test-server.sh (source only)."
    echo "Types: deb-src"
    echo "URIs: $mirror"
    echo "Suites: trixie"
    echo "Components: main"
    [[ -f "$keyring" ]] && echo "Signed-By: $keyring"
  } > "$TRIXIE_LIST"

  # Only refresh/consult the trixie source index: quick, and leaves other lists alone.
  local only_trixie=(-o "Dir::Etc::SourceList=$TRIXIE_LIST" -o Dir::Etc::SourceParts=-
                     -o APT::Get::List-Cleanup=0)
  apt_get -q "${only_trixie[@]}" update
  BUILD_DIR=$(mktemp -d /tmp/yinong-pgvector-build.XXXXXX)
  # Sandbox user root: a root-owned mktemp dir is not writable by _apt (harmless warning otherwise).
  (cd "$BUILD_DIR" && apt_get -q "${only_trixie[@]}" -o APT::Sandbox::User=root source pgvector)
  rm -f "$TRIXIE_LIST" "$TRIXIE_PIN"

  local src
  src=$(find "$BUILD_DIR" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
  [[ -n "$src" && -f "$src/vector.control" ]] || die "apt-get source pgvector gave no source tree"
  log "pgvector: building $(basename "$src") against PostgreSQL $("$PG_BIN/pg_config" --version)"
  # OPTFLAGS= : no -march=native (portable build, as Debian's own package does).
  make -C "$src" -j"$(nproc)" PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS=
  make -C "$src" install PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS=
  rm -rf "$BUILD_DIR"; BUILD_DIR=""
}

ensure_installed() {
  if pg_installed && vector_installed; then
    log "PostgreSQL ${PG_MAJOR} and pgvector already installed: skipping apt"
    return
  fi
  is_root || die "PostgreSQL ${PG_MAJOR} + pgvector not installed and not root: cannot apt-get install"
  command -v apt-get >/dev/null || die "apt-get not found (this script targets Debian 12)"

  block_service_starts
  log "apt-get update"
  apt_get -q update

  if ! pg_installed; then
    # Install postgresql-common first and stop it from auto-creating (and starting)
    # the Debian 'main' cluster on 5432: we run our own cluster.
    if [[ ! -f /etc/postgresql-common/createcluster.conf ]]; then
      log "installing postgresql-common (main cluster auto-creation disabled)"
      apt_install postgresql-common
    fi
    if [[ -f /etc/postgresql-common/createcluster.conf ]] && ! ls -d /etc/postgresql/${PG_MAJOR}/*/ >/dev/null 2>&1; then
      sed -i -E 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' \
        /etc/postgresql-common/createcluster.conf
    fi
  fi

  local pkg_vector="postgresql-${PG_MAJOR}-pgvector"
  if apt-cache policy "$pkg_vector" 2>/dev/null | grep -qE 'Candidate: [0-9]'; then
    log "installing postgresql-${PG_MAJOR} $pkg_vector"
    apt_install "postgresql-${PG_MAJOR}" "$pkg_vector"
  else
    log "installing postgresql-${PG_MAJOR} + server headers and tools for the pgvector build"
    # Named together so server and headers end up at the same minor version.
    apt_install "postgresql-${PG_MAJOR}" "postgresql-client-${PG_MAJOR}" \
      "postgresql-server-dev-${PG_MAJOR}" make gcc dpkg-dev
    vector_installed || build_pgvector_from_trixie_source
  fi
  pg_installed || die "PostgreSQL ${PG_MAJOR} binaries missing in $PG_BIN after install"
  vector_installed || die "pgvector missing after install"
  log "install done"
}

port_in_use() {
  local p=$1
  if command -v ss >/dev/null; then
    [[ -n "$(ss -Htln "sport = :$p" 2>/dev/null)" ]] && return 0
  fi
  (exec 9<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0
  return 1
}

# A killed postmaster re-parented to a PID 1 that does not reap stays a zombie,
# which `kill -0` still reports as alive.
is_zombie() { [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" == Z ]]; }

postmaster_alive() {  # $1 = data dir
  local pidfile="$1/postmaster.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid=$(head -n1 "$pidfile" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && ! is_zombie "$pid" \
    && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]]   # stale pid file, pid reused: not ours
}

psql_q() {  # $1 = port, $2 = db, rest = psql args
  local port=$1 db=$2; shift 2
  PGPASSWORD="$DB_PASS" PGOPTIONS='-c client_min_messages=warning' "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$DB_USER" -d "$db" "$@"
}

prepare_database() {  # $1 = port
  local port=$1
  if [[ "$(psql_q "$port" postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    log "creating database $DB_NAME"
    psql_q "$port" postgres -c "CREATE DATABASE \"$DB_NAME\""
  fi
  psql_q "$port" postgres -c "ALTER ROLE \"$DB_USER\" PASSWORD '$DB_PASS'"
  psql_q "$port" "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS vector"
  log "pgvector $(psql_q "$port" "$DB_NAME" -tAc "SELECT extversion FROM pg_extension WHERE extname = 'vector'") ready in $DB_NAME"
}

emit_url() {  # $1 = port
  printf 'export TEST_DATABASE_URL=postgres://%s:%s@127.0.0.1:%s/%s\n' "$DB_USER" "$DB_PASS" "$1" "$DB_NAME" >&3
}

try_reuse() {
  [[ -f "$STATE_FILE" ]] || return 1
  local PORT="" DATA_DIR=""
  # shellcheck disable=SC1090
  read -r PORT DATA_DIR < <(source "$STATE_FILE" >/dev/null 2>&1; printf '%s %s\n' "${PORT:-}" "${DATA_DIR:-}") || true
  if [[ -n "$PORT" && -n "$DATA_DIR" && -f "$DATA_DIR/$MARKER" ]] && postmaster_alive "$DATA_DIR" \
     && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 5; then
    log "reusing running cluster $DATA_DIR on port $PORT"
    prepare_database "$PORT"
    emit_url "$PORT"
    return 0
  fi
  log "state file $STATE_FILE is stale; starting a new cluster"
  if [[ -n "$DATA_DIR" && -f "$DATA_DIR/$MARKER" ]]; then
    if postmaster_alive "$DATA_DIR"; then
      as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m immediate -w -t 10 stop || true
    fi
    rm -rf "$DATA_DIR"
  fi
  rm -f "$STATE_FILE"
  return 1
}

start_new_cluster() {
  local port="" p data
  for (( p = PORT_START; p < PORT_START + 200; p++ )); do
    data="/tmp/yinong-pg-$p"
    port_in_use "$p" && continue
    if [[ -e "$data" ]]; then
      postmaster_alive "$data" && continue   # someone else's live cluster
      [[ -f "$data/$MARKER" || ! -f "$data/PG_VERSION" ]] || continue
      rm -rf "$data"                           # leftover of an earlier run
    fi
    port=$p; break
  done
  [[ -n "$port" ]] || die "no free port in $PORT_START..$((PORT_START + 199))"
  data="/tmp/yinong-pg-$port"

  log "initdb $data (port $port)"
  mkdir -p "$data"
  is_root && chown postgres:postgres "$data"
  chmod 700 "$data"
  local locale=C.UTF-8
  locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' || locale=C
  as_owner "$PG_BIN/initdb" -D "$data" -U "$DB_USER" -E UTF8 --locale="$locale" \
    --auth-local=trust --auth-host=trust --no-sync >/dev/null
  touch "$data/$MARKER"
  cat >> "$data/postgresql.conf" <<CONF

# --- yinong test settings (scripts/pg/start-test-server.sh) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
max_connections = 200
shared_buffers = 256MB
work_mem = 16MB
maintenance_work_mem = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 30min
max_wal_size = 4GB
autovacuum = off
jit = off
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
timezone = 'UTC'
CONF
  is_root && chown postgres:postgres "$data/$MARKER"

  log "starting postgres on 127.0.0.1:$port"
  if ! as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null; then
    tail -n 50 "$data/server.log" >&2 || true
    if postmaster_alive "$data"; then
      as_owner "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 10 stop || true
    fi
    rm -rf "$data"
    die "postgres failed to start"
  fi
  {
    printf 'PORT=%q\n' "$port"
    printf 'DATA_DIR=%q\n' "$data"
    printf 'PG_BIN=%q\n' "$PG_BIN"
    printf 'DB_NAME=%q\n' "$DB_NAME"
    printf 'TEST_DATABASE_URL=%q\n' "postgres://$DB_USER:$DB_PASS@127.0.0.1:$port/$DB_NAME"
  } > "$STATE_FILE"

  prepare_database "$port"
  emit_url "$port"
}

main() {
  if ! [[ "$PORT_START" =~ ^[0-9]+$ ]] || (( PORT_START < 1024 || PORT_START + 199 > 65535 )); then
    die "YINONG_PG_PORT_START must be a number in 1024..65336 (got '$PORT_START')"
  fi
  exec 8>"$LOCK_FILE"
  flock -w 900 8 || die "could not lock $LOCK_FILE"
  ensure_installed
  try_reuse && { log "done"; return; }
  start_new_cluster
  log "done"
}

main "$@"
