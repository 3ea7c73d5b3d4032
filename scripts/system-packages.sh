#!/usr/bin/env bash
# Install the Debian packages the tests use, if missing: a real PostgreSQL server (and its client
# programs pg_dump and pg_restore, for the backup tests), and Chromium
# (charts are drawn to PNG by kaleido in headless Chromium; later, page tests use it too).
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# pg_dump and pg_restore (`terugkeer backup` / `restore`); postgresql brings them, this says why
ls /usr/lib/postgresql/*/bin/pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing ${missing[*]} and not root: the tests that need them will fail or be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
