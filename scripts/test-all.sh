#!/usr/bin/env bash
# Installs everything the tests need, starts the real servers, and runs every check:
# typecheck, lint, unit tests, then the integration tests against Kafka, Apicurio Registry and PostgreSQL.
#
#   npm run test:all          (the second command of the README; .ci/run calls exactly this)
#
#   VIGIL_KEEP_SERVERS=1      leave the servers running afterwards (default: stop the ones this run started)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }
T0=$(date +%s)

step "installing Node dependencies"
if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

step "installing Chromium for the web UI's browser tests (Debian package, once per machine)"
bash scripts/install-browser.sh

step "typecheck"
npx tsc -p tsconfig.json --noEmit

step "lint and format check"
npx biome check .

step "unit tests"
npx vitest run --project unit

step "starting Kafka, schema registry and PostgreSQL (first run downloads them; later runs use the cache)"
already_running=0
if bash scripts/servers/kafka.sh status >/dev/null 2>&1 && bash scripts/servers/registry.sh status >/dev/null 2>&1; then
  already_running=1
fi
bash scripts/servers/start-all.sh >/dev/null
# shellcheck source=/dev/null
source .servers/env
if [[ "${VIGIL_KEEP_SERVERS:-0}" != 1 && "$already_running" == 0 ]]; then
  trap 'step "stopping servers"; bash scripts/servers/stop-all.sh || true' EXIT
fi

step "integration tests (real Kafka ${KAFKA_BROKERS}, registry ${SCHEMA_REGISTRY_URL})"
npx vitest run --project integration

step "all checks passed in $(( $(date +%s) - T0 )) s"
