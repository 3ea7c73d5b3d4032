#!/usr/bin/env bash
# Run every test: starts a throwaway PostgreSQL (when installed) so that the storage tests
# run on SQLite and on PostgreSQL, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TERUGKEER_TEST_POSTGRES_URL:-}" ]; then
  eval "$(scripts/postgres.sh start)"
  trap 'scripts/postgres.sh stop' EXIT
fi
# loadscope: a module's tests stay on one worker, so a module fixture (the calibration's
# replications, the forecast's store) is built once, not once per worker. Modules marked slow
# are collected first (tests/conftest.py), and --no-loadscope-reorder keeps that order: by
# default xdist hands out the modules with the most tests first, which put the long modules of
# one or two tests (schemathesis, the director's day, the property tests) last, on one worker
# while the other had nothing left.
.venv/bin/pytest -n 2 --dist loadscope --no-loadscope-reorder --durations=20 "$@"
