#!/usr/bin/env bash
# `npm test`: every test, from a fresh clone on a fresh Debian machine. Installs what is missing
# (Debian packages the tests need, npm packages), builds, then runs unit, integration and
# browser tests, and the benchmark as a smoke test (no timing assertions).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v openssl >/dev/null || missing+=(openssl)
command -v turnserver >/dev/null || missing+=(coturn)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v janus >/dev/null || missing+=(janus)
command -v ip >/dev/null || missing+=(iproute2)
if ((${#missing[@]} > 0)); then
  echo "test: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
fi

npm ci --no-audit --no-fund
npm run build
npx vitest run
if [ -f bench/tsconfig.json ]; then
  npm run bench -- --quick
fi
