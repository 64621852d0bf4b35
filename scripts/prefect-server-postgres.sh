#!/usr/bin/env bash
# A Prefect server for several workers, on a local PostgreSQL (Debian's `postgresql` package).
#
#   scripts/prefect-server-postgres.sh            # start (idempotent); prints the PREFECT_API_URL to use
#   scripts/prefect-server-postgres.sh stop
#
# Runs as root (Debian starts its cluster as root, the database work is done as `postgres`).
# The database and role are called prefect; migrations run once (`prefect server database upgrade`);
# analytics and telemetry are off. Settings by environment: PG_PORT (5432), PREFECT_PORT (4200),
# PREFECT_DB_PASSWORD (prefect), PREFECT_HOME (./.prefect-server).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_PORT=${PG_PORT:-5432}
PREFECT_PORT=${PREFECT_PORT:-4200}
PASSWORD=${PREFECT_DB_PASSWORD:-prefect}
export PREFECT_HOME=${PREFECT_HOME:-$PWD/.prefect-server}
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_API_DATABASE_CONNECTION_URL="postgresql+asyncpg://prefect:${PASSWORD}@127.0.0.1:${PG_PORT}/prefect"
PREFECT=.venv/bin/prefect
PIDFILE=$PREFECT_HOME/server.pid

if [ "${1:-start}" = stop ]; then
    [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null && rm -f "$PIDFILE" && echo "prefect server stopped"
    exit 0
fi

command -v pg_lsclusters >/dev/null || { echo "error: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
read -r version cluster _ < <(pg_lsclusters --no-header | head -1) \
    || { echo "error: no PostgreSQL cluster (pg_createcluster)" >&2; exit 1; }
pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true   # already running is fine
as_postgres() { runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtAc "$1"; }
[ "$(as_postgres "SELECT 1 FROM pg_roles WHERE rolname = 'prefect'")" = 1 ] \
    || as_postgres "CREATE ROLE prefect LOGIN PASSWORD '${PASSWORD}'"
[ "$(as_postgres "SELECT 1 FROM pg_database WHERE datname = 'prefect'")" = 1 ] \
    || as_postgres "CREATE DATABASE prefect OWNER prefect"

mkdir -p "$PREFECT_HOME"
"$PREFECT" server database upgrade -y >"$PREFECT_HOME/upgrade.log" 2>&1 \
    || { echo "error: migrations failed, see $PREFECT_HOME/upgrade.log" >&2; exit 1; }
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "prefect server already running (pid $(cat "$PIDFILE"))"
else
    setsid nohup "$PREFECT" server start --host 127.0.0.1 --port "$PREFECT_PORT" >"$PREFECT_HOME/server.log" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 120); do
        curl -sf "http://127.0.0.1:${PREFECT_PORT}/api/health" >/dev/null && break
        sleep 1
    done
    curl -sf "http://127.0.0.1:${PREFECT_PORT}/api/health" >/dev/null \
        || { echo "error: server did not answer, see $PREFECT_HOME/server.log" >&2; exit 1; }
    echo "prefect server on PostgreSQL started (pid $(cat "$PIDFILE"))"
fi
echo "export PREFECT_API_URL=http://127.0.0.1:${PREFECT_PORT}/api"
