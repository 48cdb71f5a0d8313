# shellcheck shell=bash
# Shared helpers for the scripts in scripts/servers/. Source it; do not run it.
#
#   VIGIL_CACHE_DIR    downloaded artifacts, kept between runs   (default ~/.cache/vigil)
#   VIGIL_SERVERS_DIR  data, pid files and logs of the servers   (default <repo>/.servers)
#   VIGIL_MAVEN_REPO_LOCAL  Maven local repository to use instead of ~/.m2/repository

SERVERS_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SERVERS_SCRIPT_DIR/../.." && pwd)"

CACHE_DIR="${VIGIL_CACHE_DIR:-$HOME/.cache/vigil}"
SERVERS_DIR="${VIGIL_SERVERS_DIR:-$REPO_ROOT/.servers}"
LOG_DIR="$SERVERS_DIR/logs"
RUN_DIR="$SERVERS_DIR/run"

# The maven-dependency-plugin bundled with Maven 3.8 by default (2.8) is too old for
# classifiers/types in -Dartifact; pin a modern one.
MVN_DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

mkdir -p "$CACHE_DIR" "$LOG_DIR" "$RUN_DIR"

log() { printf '[servers] %s\n' "$*" >&2; }
die() { printf '[servers] ERROR: %s\n' "$*" >&2; exit 1; }

now_s() { date +%s.%N; }
elapsed_since() { awk -v s="$1" -v e="$(now_s)" 'BEGIN { printf "%.1f", e - s }'; }

log_file() { printf '%s/%s.log' "$LOG_DIR" "$1"; }
pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }

# Print the last lines of a server's log, indented, to stderr.
log_tail() {
  local name="$1" lines="${2:-40}" file
  file="$(log_file "$name")"
  if [[ -f "$file" ]]; then
    log "---- last $lines lines of $file ----"
    tail -n "$lines" "$file" | sed 's/^/    /' >&2
    log "---- end of $file ----"
  else
    log "(no log file $file)"
  fi
}

# wait_for NAME TIMEOUT_SECONDS DESCRIPTION CMD...
# Runs CMD every second until it succeeds. On timeout prints the log tail of NAME and fails.
wait_for() {
  local name="$1" timeout="$2" what="$3"
  shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "$name: timed out after ${timeout}s waiting for: $what"
      log_tail "$name"
      return 1
    fi
    # Fail fast when the process we are waiting on has died.
    if [[ -n "${WAIT_PID:-}" ]] && ! kill -0 "$WAIT_PID" 2>/dev/null; then
      log "$name: process $WAIT_PID exited while waiting for: $what"
      log_tail "$name"
      return 1
    fi
    sleep 1
  done
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
http_ok() { [[ "$(http_code "$1")" == 200 ]]; }

# running_pid NAME MARKER: print the pid from NAME's pid file if that process is alive
# and its command line contains MARKER (guards against pid reuse).
running_pid() {
  local name="$1" marker="$2" file pid
  file="$(pid_file "$name")"
  [[ -f "$file" ]] || return 1
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  printf '%s' "$pid"
}

# spawn NAME CMD...: start CMD detached (own session, stdin closed), appending to NAME's log.
# Writes the real pid to NAME's pid file and prints it.
spawn() {
  local name="$1"
  shift
  local pidf logf
  pidf="$(pid_file "$name")"
  logf="$(log_file "$name")"
  rm -f "$pidf"
  printf '\n===== %s starting %s =====\n' "$(date -Is)" "$name" >>"$logf"
  # The inner shell records its own pid, then execs the server so the pid stays valid.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$logf" 2>&1 &
  local i
  for i in $(seq 1 50); do
    [[ -s "$pidf" ]] && break
    sleep 0.1
  done
  [[ -s "$pidf" ]] || die "$name: could not start (no pid file)"
  cat "$pidf"
}

# stop_pid NAME MARKER [GRACE_SECONDS]: SIGTERM, wait, then SIGKILL.
stop_pid() {
  local name="$1" marker="$2" grace="${3:-30}" pid
  if ! pid="$(running_pid "$name" "$marker")"; then
    log "$name: not running"
    rm -f "$(pid_file "$name")"
    return 0
  fi
  log "$name: stopping pid $pid (SIGTERM, up to ${grace}s)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name: still alive after ${grace}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(pid_file "$name")"
  log "$name: stopped"
}

# Record and print how long a server took to become ready.
record_start_time() {
  local name="$1" secs="$2" note="${3:-}"
  printf '%s\n' "$secs" >"$RUN_DIR/$name.start-seconds"
  log "$name: ready in ${secs}s${note:+ ($note)}"
}

# mvn_run ARGS...: Maven in batch/quiet mode, using the user's ~/.m2 (and settings) as usual;
# VIGIL_MAVEN_REPO_LOCAL points Maven at another local repository instead.
mvn_run() {
  command -v mvn >/dev/null || die "mvn not found (install Maven 3.8+)"
  if [[ -n "${VIGIL_MAVEN_REPO_LOCAL:-}" ]]; then set -- -Dmaven.repo.local="$VIGIL_MAVEN_REPO_LOCAL" "$@"; fi
  # -q still emits bare ANSI resets with Maven 3.8's jansi; strip them. pipefail keeps mvn's status.
  mvn -B -q -Dstyle.color=never "$@" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2
}

require_java() {
  command -v java >/dev/null || die "java not found (need Java 17+)"
}

usage_cmd() { die "usage: $0 start|stop|status"; }
