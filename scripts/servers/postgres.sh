#!/usr/bin/env bash
# A private PostgreSQL cluster (Debian's postgresql package) on 127.0.0.1, not the system service.
#
#   postgres.sh start|stop|status
#
#   PGPORT_VIGIL   TCP port                          (default 55432)
#   VIGIL_PG_DATA  data directory                    (default <runtime dir>/postgres/data, or
#                                                     /var/tmp/vigil-pg/data if the postgres user
#                                                     cannot reach the runtime dir)
#   PG_FRESH=1     delete the cluster and initdb a new one on start
#
# Superuser vigil / password vigil, database vigil; md5 (SCRAM-stored) password auth on 127.0.0.1.
# The cluster (and its data) survives stop/start. Durability is traded for speed (fsync=off): test use only.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=postgres
PGPORT_VIGIL="${PGPORT_VIGIL:-55432}"
PG_USER=vigil
PG_PASSWORD=vigil
PG_DB=vigil
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"

# ---------------------------------------------------------------- install

pg_bin_dir() {
  local d
  d="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$d" ]] && dirname "$d"
}

install_postgres() {
  if pg_bin_dir >/dev/null; then return 0; fi
  [[ "$(id -u)" == 0 ]] || die "$NAME: PostgreSQL is not installed; run as root or 'sudo apt-get install -y postgresql'"
  log "$NAME: installing Debian's postgresql package (apt-get)"
  local t0
  t0="$(now_s)"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
  pg_bin_dir >/dev/null || die "$NAME: postgres binary still missing after apt-get install"
  log "$NAME: installed in $(elapsed_since "$t0")s"
}

# ---------------------------------------------------------------- layout

# initdb refuses to run as root, so as root everything runs as the postgres OS user.
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

choose_data_dir() {
  if [[ -n "${VIGIL_PG_DATA:-}" ]]; then
    PG_ROOT="$(dirname "$VIGIL_PG_DATA")"
  elif as_pg test -x "$SERVERS_DIR"; then
    PG_ROOT="$SERVERS_DIR/postgres"
  else
    PG_ROOT=/var/tmp/vigil-pg
  fi
  PG_DATA="${VIGIL_PG_DATA:-$PG_ROOT/data}"
}

prepare_dirs() {
  mkdir -p "$PG_ROOT"
  local logf
  logf="$(log_file "$NAME")"
  touch "$logf"
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres:postgres "$PG_ROOT"
    chown postgres:postgres "$logf"
  fi
  chmod 700 "$PG_ROOT"
  as_pg test -w "$logf" || die "$NAME: the postgres user cannot write $logf"
}

pg() {
  local tool="$1"
  shift
  as_pg "$PG_BIN/$tool" "$@"
}

# Client tools connect over TCP with the vigil password (works as any OS user).
pg_client() {
  local tool="$1"
  shift
  PGPASSWORD="$PG_PASSWORD" "$PG_BIN/$tool" -h 127.0.0.1 -p "$PGPORT_VIGIL" -U "$PG_USER" "$@"
}

# ---------------------------------------------------------------- cluster

init_cluster() {
  if [[ "${PG_FRESH:-0}" == 1 && -d "$PG_DATA" ]]; then
    log "$NAME: PG_FRESH=1, deleting $PG_DATA"
    rm -rf "$PG_DATA"
  fi
  if [[ -f "$PG_DATA/PG_VERSION" ]]; then
    log "$NAME: reusing cluster in $PG_DATA (PG_FRESH=1 recreates it)"
    return 0
  fi
  log "$NAME: initdb in $PG_DATA (superuser $PG_USER)"
  local pwfile
  pwfile="$(mktemp)"
  printf '%s\n' "$PG_PASSWORD" >"$pwfile"
  chmod 644 "$pwfile"
  pg initdb -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=md5 \
    --encoding=UTF8 --locale=C >>"$(log_file "$NAME")" 2>&1 || {
    rm -f "$pwfile"
    log_tail "$NAME"
    die "$NAME: initdb failed"
  }
  rm -f "$pwfile"
  # Our settings live in their own file, rewritten on every start.
  printf "\ninclude_if_exists = 'vigil.conf'\n" | as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
}

write_config() {
  as_pg tee "$PG_DATA/vigil.conf" >/dev/null <<EOF
# Written by scripts/servers/postgres.sh on every start.
listen_addresses = '127.0.0.1'
port = $PGPORT_VIGIL
unix_socket_directories = ''
max_connections = 100
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
log_min_messages = warning
EOF
}

is_running() { pg pg_ctl -D "$PG_DATA" status >/dev/null 2>&1; }

ensure_database() {
  local exists
  exists="$(pg_client psql -d postgres -tAc "select 1 from pg_database where datname = '$PG_DB'")"
  if [[ "$exists" != 1 ]]; then
    log "$NAME: creating database $PG_DB"
    pg_client createdb "$PG_DB"
  fi
}

query_ok() { [[ "$(pg_client psql -d "$PG_DB" -tAc 'select 1')" == 1 ]]; }

# ---------------------------------------------------------------- commands

cmd_start() {
  install_postgres
  PG_BIN="$(pg_bin_dir)"
  choose_data_dir
  if [[ -d "$PG_DATA" ]] && is_running; then
    log "$NAME: already running on 127.0.0.1:$PGPORT_VIGIL ($PG_DATA)"
    ensure_database
    return 0
  fi
  port_open 127.0.0.1 "$PGPORT_VIGIL" && die "$NAME: port $PGPORT_VIGIL is already in use by another process"
  local t0
  t0="$(now_s)"
  prepare_dirs
  init_cluster
  write_config
  printf '\n===== %s starting %s =====\n' "$(date -Is)" "$NAME" >>"$(log_file "$NAME")"
  pg pg_ctl -D "$PG_DATA" -l "$(log_file "$NAME")" -w -t "$PG_START_TIMEOUT" start >/dev/null || {
    log_tail "$NAME"
    die "$NAME: pg_ctl start failed"
  }
  head -n 1 "$PG_DATA/postmaster.pid" >"$(pid_file "$NAME")"
  wait_for "$NAME" "$PG_START_TIMEOUT" "pg_isready" "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT_VIGIL"
  ensure_database
  wait_for "$NAME" 10 "psql select 1" query_ok
  record_start_time "$NAME" "$(elapsed_since "$t0")" \
    "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT_VIGIL, data $PG_DATA"
}

cmd_stop() {
  PG_BIN="$(pg_bin_dir)" || {
    log "$NAME: not installed"
    return 0
  }
  choose_data_dir
  if [[ -d "$PG_DATA" ]] && is_running; then
    log "$NAME: stopping (pg_ctl stop -m fast)"
    pg pg_ctl -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    log "$NAME: stopped"
  else
    log "$NAME: not running"
  fi
  rm -f "$(pid_file "$NAME")"
}

cmd_status() {
  PG_BIN="$(pg_bin_dir)" || {
    log "$NAME: not installed"
    return 1
  }
  choose_data_dir
  if [[ -d "$PG_DATA" ]] && is_running; then
    log "$NAME: running (pid $(head -n 1 "$PG_DATA/postmaster.pid")) on 127.0.0.1:$PGPORT_VIGIL, data $PG_DATA"
  else
    log "$NAME: not running"
    return 1
  fi
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*) usage_cmd ;;
esac
