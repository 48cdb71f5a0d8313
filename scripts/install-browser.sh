#!/usr/bin/env bash
# Installs Debian's Chromium for the web UI's browser tests (playwright-core drives it headless).
# Idempotent: does nothing when a Chromium is already there. CHROMIUM_PATH overrides where it is looked for.
set -euo pipefail

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$chromium_path" ]]; then
  echo "[browser] chromium present: $("$chromium_path" --version 2>/dev/null || echo "$chromium_path")"
  exit 0
fi
if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  echo "[browser] CHROMIUM_PATH=$CHROMIUM_PATH is not an executable; unset it to install Debian's chromium" >&2
  exit 1
fi

as_root=()
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "[browser] chromium is missing and this user cannot install packages: run 'apt-get install chromium' as root, or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[browser] chromium is missing and apt-get is not available: install Chromium and set CHROMIUM_PATH to it" >&2
  exit 1
fi
echo "[browser] installing Debian's chromium (once per machine)"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "[browser] installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
