#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the tests and print its SQLAlchemy URL.
# Usage: eval "$(scripts/postgres.sh start)"  → exports TERUGKEER_TEST_POSTGRES_URL
#        scripts/postgres.sh stop
set -euo pipefail
PORT=${TERUGKEER_TEST_PG_PORT:-54329}
DIR=${TERUGKEER_TEST_PG_DIR:-/tmp/terugkeer-test-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$BIN" ]; then
  echo "echo 'PostgreSQL is not installed: the PostgreSQL storage tests will be skipped' >&2"
  exit 0
fi
as_pg() {  # initdb and postgres refuse to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  start)
    if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      rm -rf "$DIR"; mkdir -p "$DIR"
      [ "$(id -u)" = 0 ] && chown postgres "$DIR"
      as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres >"$DIR/initdb.log" 2>&1
      as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    fi
    echo "export TERUGKEER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
