#!/usr/bin/env bash
# Apicurio Registry (Confluent-compatible API under /apis/ccompat/v7) on 127.0.0.1,
# in-memory storage, global compatibility set to BACKWARD.
#
#   registry.sh start|stop|status
#
#   REGISTRY_VERSION     io.apicurio:apicurio-registry-app version  (default 2.6.13.Final, see docs/servers.md)
#   REGISTRY_PORT        HTTP port                                   (default 8081)
#   REGISTRY_HEAP_OPTS   JVM heap                                    (default -Xms128m -Xmx512m)
#   REGISTRY_COMPATIBILITY  global compatibility level               (default BACKWARD)
#
# Storage is in memory: every start begins with an empty registry.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=registry
MARKER=apicurio-registry
# 3.1.x is not on Maven Central; 3.0.9's parent POM is missing there and 3.2+/3.3.x are
# compiled for Java 21. 2.6.13.Final is the newest Java 17 build that resolves.
REGISTRY_VERSION="${REGISTRY_VERSION:-2.6.13.Final}"
REGISTRY_PORT="${REGISTRY_PORT:-8081}"
REGISTRY_HEAP_OPTS="${REGISTRY_HEAP_OPTS:--Xms128m -Xmx512m}"
REGISTRY_COMPATIBILITY="${REGISTRY_COMPATIBILITY:-BACKWARD}"
REGISTRY_START_TIMEOUT="${REGISTRY_START_TIMEOUT:-120}"
REGISTRY_ARTIFACT="io.apicurio:apicurio-registry-app:$REGISTRY_VERSION:tar.gz:all"

REGISTRY_HOME="$CACHE_DIR/apicurio-registry/$REGISTRY_VERSION"
REGISTRY_APP="$REGISTRY_HOME/app"
BASE_URL="http://127.0.0.1:$REGISTRY_PORT"
CCOMPAT_URL="$BASE_URL/apis/ccompat/v7"
CCOMPAT_CT="Content-Type: application/vnd.schemaregistry.v1+json"

# ---------------------------------------------------------------- install

install_registry() {
  if [[ -f "$REGISTRY_HOME/.complete" ]]; then return 0; fi
  local t0 tarball
  t0="$(now_s)"
  log "$NAME: fetching $REGISTRY_ARTIFACT (Maven Central, non-transitive)"
  mkdir -p "$REGISTRY_HOME"
  rm -rf "$REGISTRY_HOME/download" "$REGISTRY_APP.tmp"
  mvn_run "$MVN_DEP_PLUGIN:copy" -Dartifact="$REGISTRY_ARTIFACT" \
    -DoutputDirectory="$REGISTRY_HOME/download" >&2 ||
    die "$NAME: Maven could not fetch $REGISTRY_ARTIFACT"
  tarball="$(find "$REGISTRY_HOME/download" -name '*.tar.gz' | head -n 1)"
  [[ -n "$tarball" ]] || die "$NAME: no tarball after fetching $REGISTRY_ARTIFACT"
  mkdir -p "$REGISTRY_APP.tmp"
  tar -xzf "$tarball" -C "$REGISTRY_APP.tmp"
  rm -rf "$REGISTRY_APP" "$REGISTRY_HOME/download" # the tarball stays in ~/.m2
  mv "$REGISTRY_APP.tmp" "$REGISTRY_APP"
  touch "$REGISTRY_HOME/.complete"
  log "$NAME: unpacked Apicurio Registry $REGISTRY_VERSION ($(du -sh "$REGISTRY_APP" | cut -f1)) in $(elapsed_since "$t0")s into $REGISTRY_APP"
}

# 2.x ships <name>-runner.jar (+ lib/); 3.x ships a Quarkus fast-jar (quarkus-run.jar).
runner_jar() {
  local jar
  for jar in "$REGISTRY_APP/quarkus-run.jar" "$REGISTRY_APP"/*-runner.jar; do
    [[ -f "$jar" ]] && {
      printf '%s' "$jar"
      return 0
    }
  done
  die "$NAME: no runnable jar in $REGISTRY_APP"
}

# ---------------------------------------------------------------- compatibility

set_compatibility() {
  local body
  body="$(curl -sS --fail-with-body --max-time 10 -X PUT -H "$CCOMPAT_CT" \
    -d "{\"compatibility\":\"$REGISTRY_COMPATIBILITY\"}" "$CCOMPAT_URL/config")" ||
    die "$NAME: PUT $CCOMPAT_URL/config failed: $body"
  body="$(curl -sS --fail-with-body --max-time 10 "$CCOMPAT_URL/config")" ||
    die "$NAME: GET $CCOMPAT_URL/config failed: $body"
  # 2.x answers {"compatibilityLevel":"BACKWARD"}; newer ones may say "compatibility".
  grep -Eq "\"compatibility(Level)?\" *: *\"$REGISTRY_COMPATIBILITY\"" <<<"$body" ||
    die "$NAME: global compatibility reads back as $body, expected $REGISTRY_COMPATIBILITY"
  log "$NAME: global compatibility is $REGISTRY_COMPATIBILITY"
}

# ---------------------------------------------------------------- commands

cmd_start() {
  local pid
  if pid="$(running_pid "$NAME" "$MARKER")"; then
    log "$NAME: already running (pid $pid) at $CCOMPAT_URL"
    set_compatibility
    return 0
  fi
  require_java
  port_open 127.0.0.1 "$REGISTRY_PORT" && die "$NAME: port $REGISTRY_PORT is already in use by another process"
  install_registry
  local t0 jar
  t0="$(now_s)"
  jar="$(runner_jar)"
  local -a props=(
    -Dquarkus.http.host=127.0.0.1
    -Dquarkus.http.port="$REGISTRY_PORT"
    -Dquarkus.management.enabled=false
    -Dquarkus.log.console.color=false
    # 2.x: apicurio-registry-app is the in-memory build. 3.x: in-memory H2 through the SQL storage.
    -Dapicurio.storage.kind=sql
    -Dapicurio.storage.sql.kind=h2
  )
  # shellcheck disable=SC2086  # REGISTRY_HEAP_OPTS is a list of JVM flags
  pid="$(spawn "$NAME" java $REGISTRY_HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Djava.awt.headless=true "${props[@]}" -jar "$jar")"
  log "$NAME: started Apicurio Registry $REGISTRY_VERSION as pid $pid, log $(log_file "$NAME")"
  WAIT_PID="$pid" wait_for "$NAME" "$REGISTRY_START_TIMEOUT" "HTTP 200 from $CCOMPAT_URL/subjects" \
    http_ok "$CCOMPAT_URL/subjects"
  set_compatibility
  record_start_time "$NAME" "$(elapsed_since "$t0")" "$CCOMPAT_URL"
}

cmd_stop() { stop_pid "$NAME" "$MARKER" 30; }

cmd_status() {
  local pid
  if pid="$(running_pid "$NAME" "$MARKER")"; then
    log "$NAME: running (pid $pid), Apicurio Registry $REGISTRY_VERSION at $CCOMPAT_URL (HTTP $(http_code "$CCOMPAT_URL/subjects"))"
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
