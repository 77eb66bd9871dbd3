#!/usr/bin/env bash
# Stop the throw-away PostgreSQL started by scripts/pg/start-test-server.sh and
# delete its data directory. Idempotent: nothing running -> exit 0.
# All output goes to stderr.
#
# With no state file it still cleans up any /tmp/yinong-pg-<port> cluster that
# carries the start script's marker file (left over from a crashed run).
#
#   YINONG_PG_STATE   state file (default /tmp/yinong-pg.state)
set -Eeuo pipefail
exec 1>&2

STATE_FILE="${YINONG_PG_STATE:-/tmp/yinong-pg.state}"
LOCK_FILE="${STATE_FILE}.lock"
MARKER=.yinong-test-cluster
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '[pg-test-stop] %s\n' "$*" >&2; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd /tmp && runuser -u postgres -- "$@" 8>&-)
  else
    (cd /tmp && "$@" 8>&-)
  fi
}

postmaster_pid() {  # $1 = data dir; prints pid if alive
  local pid
  [[ -f "$1/postmaster.pid" ]] || return 1
  pid=$(head -n1 "$1/postmaster.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # a killed postmaster may linger as an unreaped zombie: not alive
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && return 1
  # stale pid file whose pid now belongs to another program: never signal it
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]] || return 1
  printf '%s\n' "$pid"
}

stop_cluster() {  # $1 = data dir
  local data=$1 pid i
  if [[ ! -f "$data/$MARKER" ]]; then
    log "$data is not a yinong test cluster (no $MARKER): leaving it alone"
    return 0
  fi
  if pid=$(postmaster_pid "$data"); then
    log "stopping postgres (pid $pid) in $data"
    if ! as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null; then
      log "pg_ctl stop failed; sending SIGQUIT to postmaster $pid"
      kill -QUIT "$pid" 2>/dev/null || true
      for (( i = 0; i < 50; i++ )); do postmaster_pid "$data" >/dev/null || break; sleep 0.2; done
      if postmaster_pid "$data" >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
  fi
  rm -rf "$data"
  log "removed $data"
}

exec 8>"$LOCK_FILE"
flock -w 120 8 || { log "could not lock $LOCK_FILE"; exit 1; }

if [[ -f "$STATE_FILE" ]]; then
  # shellcheck disable=SC1090
  DATA_DIR=$(source "$STATE_FILE" >/dev/null 2>&1; printf '%s' "${DATA_DIR:-}") || DATA_DIR=""
  if [[ -n "$DATA_DIR" && -d "$DATA_DIR" ]]; then
    stop_cluster "$DATA_DIR"
  else
    log "state file names no existing data dir; nothing to stop"
  fi
  rm -f "$STATE_FILE"
else
  shopt -s nullglob
  found=0
  for d in /tmp/yinong-pg-[0-9]*; do
    [[ -d "$d" && -f "$d/$MARKER" ]] || continue
    found=1; stop_cluster "$d"
  done
  (( found )) || log "no test cluster running (no $STATE_FILE)"
fi
