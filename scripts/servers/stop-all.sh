#!/usr/bin/env bash
# Stop the servers started by start-all.sh. Data stays in the runtime dir (see docs/servers.md).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

status=0
for name in registry kafka postgres; do
  bash "$SERVERS_SCRIPT_DIR/$name.sh" stop || status=1
done
rm -f "$SERVERS_DIR/env"
exit "$status"
