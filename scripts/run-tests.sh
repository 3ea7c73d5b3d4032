#!/usr/bin/env bash
# Run every test: starts a throwaway PostgreSQL (when installed) so that the storage tests
# run on SQLite and on PostgreSQL, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TERUGKEER_TEST_POSTGRES_URL:-}" ]; then
  eval "$(scripts/postgres.sh start)"
  trap 'scripts/postgres.sh stop' EXIT
fi
.venv/bin/pytest -n 2 --durations=15 "$@"
