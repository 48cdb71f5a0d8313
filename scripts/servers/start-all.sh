#!/usr/bin/env bash
# Start Kafka, Apicurio Registry and PostgreSQL (idempotent), write <runtime dir>/env and print it.
#
#   bash scripts/servers/start-all.sh            # logs on stderr, exports on stdout
#   eval "$(bash scripts/servers/start-all.sh)"  # start and export into the current shell
#   source .servers/env                          # later, in another shell
#
#   SERVERS_PARALLEL=0   start Kafka and the registry one after the other (default: concurrently)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVERS=(kafka registry postgres)
T0="$(now_s)"

start_one() { bash "$SERVERS_SCRIPT_DIR/$1.sh" start; }

start_servers() {
  local name failed=()
  for name in "${SERVERS[@]}"; do rm -f "$RUN_DIR/$name.start-seconds"; done
  if [[ "${SERVERS_PARALLEL:-1}" == 1 ]]; then
    # The two JVMs start side by side; PostgreSQL is light and starts meanwhile.
    local -A pids=()
    start_one kafka &
    pids[kafka]=$!
    start_one registry &
    pids[registry]=$!
    start_one postgres || failed+=(postgres)
    for name in kafka registry; do wait "${pids[$name]}" || failed+=("$name"); done
  else
    for name in "${SERVERS[@]}"; do start_one "$name" || failed+=("$name"); done
  fi
  if ((${#failed[@]})); then
    die "could not start: ${failed[*]} (logs in $LOG_DIR; scripts/servers/stop-all.sh stops the rest)"
  fi
}

print_times() {
  local name secs
  log "start times:"
  for name in "${SERVERS[@]}"; do
    if [[ -f "$RUN_DIR/$name.start-seconds" ]]; then
      secs="$(<"$RUN_DIR/$name.start-seconds")"
      log "  $(printf '%-9s' "$name") ${secs}s"
    else
      log "  $(printf '%-9s' "$name") already running"
    fi
  done
  log "  $(printf '%-9s' total) $(elapsed_since "$T0")s (including any downloads)"
}

write_env() {
  local envf="$SERVERS_DIR/env"
  cat >"$envf" <<ENV
export KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-9092}
export SCHEMA_REGISTRY_URL=http://127.0.0.1:${REGISTRY_PORT:-8081}/apis/ccompat/v7
export DATABASE_URL=postgres://vigil:vigil@127.0.0.1:${PGPORT_VIGIL:-55432}/vigil
ENV
  log "wrote $envf (source it to use the servers); logs in $LOG_DIR"
  cat "$envf"
}

start_servers
print_times
write_env
