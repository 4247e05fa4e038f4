#!/usr/bin/env bash
# Run a command with PostgreSQL at DATABASE_URL and Redis at REDIS_URL answering.
#
#   services.sh run -- COMMAND...   run COMMAND; exit with its status
#   services.sh [run]               keep the services up until Ctrl-C (prints the addresses); when
#                                   both answer already, print them and return
#
# When something answers at an address it is used as it is. When nothing does, a private server
# is started for the run: PostgreSQL as a throwaway cluster (initdb, pg_ctl) and Redis as a
# redis-server, both under var/services/ on free ports of 127.0.0.1, and COMMAND gets DATABASE_URL
# and REDIS_URL rewritten to them (same database name and Redis database number). They are
# stopped and removed when the command ends, fails or is interrupted. Missing server binaries are
# installed by scripts/packages.sh (as root) or named in one line.
# Defaults: DATABASE_URL=postgres://postgres@127.0.0.1:5432/qfapp, REDIS_URL=redis://127.0.0.1:6379/15.
# REQUIRE_PRIVATE=1 refuses to use a server that answers (make test-fresh tests the private path).
# PG_BINDIR names the directory of initdb and pg_ctl (found on PATH or in /usr/lib/postgresql/*/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

case "${1:-run}" in
  run) [ $# -eq 0 ] || shift ;;
  *) echo "usage: $0 run [-- COMMAND...]" >&2; exit 2 ;;
esac
[ "${1:-}" != -- ] || shift

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/qfapp}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/15}

# host_port URL DEFAULT_PORT -> "host port" of a postgres:// or redis:// address
host_port() {
  local rest=${1#*://}
  rest=${rest%%/*}
  rest=${rest##*@}
  local host=${rest%:*} port=${rest##*:}
  [ "$host" != "$rest" ] || port=$2
  echo "${host:-127.0.0.1} ${port:-$2}"
}

answers() {  # answers HOST PORT: something accepts TCP connections there
  timeout 3 bash -c ': <"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    answers 127.0.0.1 "$port" || { echo "$port"; return; }
  done
  echo "no free port found on 127.0.0.1" >&2
  return 1
}

pg_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then
    [ -x "$PG_BINDIR/initdb" ] && echo "$PG_BINDIR"
    return
  fi
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

RUN_DIR=""
PG_DATA=""
PG_CTL=""
PG_AS=()
REDIS_PID=""

as_pg() {  # run a PostgreSQL program as the cluster's owner, from / (it may not enter the checkout)
  (cd / && "${PG_AS[@]}" "$@")
}

stop_all() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    as_pg "$PG_CTL" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_pg "$PG_CTL" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$REDIS_PID" 2>/dev/null || true
  fi
  if [ -n "$RUN_DIR" ]; then
    rm -rf "$RUN_DIR"
    [ -n "${PG_TMP:-}" ] && rm -rf "$PG_TMP"
    echo "Stopped the private services."
  fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A run killed with SIGKILL leaves its folder behind: stop what it started.
sweep_stale() {
  local dir owner
  for dir in "$ROOT"/var/services/run.*; do
    [ -d "$dir" ] || continue
    owner=$(cat "$dir/owner" 2>/dev/null || echo "")
    [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null && continue
    if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
    if [ -f "$dir/pgdata" ]; then
      local data
      data=$(cat "$dir/pgdata")
      [ -f "$data/postmaster.pid" ] && kill -INT "$(head -n1 "$data/postmaster.pid")" 2>/dev/null || true
      rm -rf "$(dirname "$data")"
    fi
    rm -rf "$dir"
  done
}

run_dir() {
  if [ -z "$RUN_DIR" ]; then
    mkdir -p "$ROOT/var/services"
    sweep_stale
    RUN_DIR=$(mktemp -d "$ROOT/var/services/run.XXXXXX")
    echo $$ >"$RUN_DIR/owner"
  fi
}

start_postgres() {
  local bindir port user base
  bindir=$(pg_bindir || true)
  if [ -z "$bindir" ]; then
    bash scripts/packages.sh services
    bindir=$(pg_bindir || true)
    [ -n "$bindir" ] || { echo "initdb and pg_ctl are still not found (set PG_BINDIR)" >&2; exit 1; }
  fi
  run_dir
  PG_CTL=$bindir/pg_ctl
  base=$RUN_DIR
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: run the cluster as the postgres user (created if missing).
    user=postgres
    id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
    PG_AS=(runuser -u "$user" --)
    chmod 755 "$RUN_DIR"
    if ! runuser -u "$user" -- test -x "$RUN_DIR"; then
      # The checkout is in a folder the postgres user cannot enter (e.g. under /root).
      PG_TMP=$(mktemp -d /tmp/qf-services-pg.XXXXXX)
      base=$PG_TMP
    fi
    chown "$user" "$base"
  fi
  PG_DATA=$base/pg
  echo "$PG_DATA" >"$RUN_DIR/pgdata"
  port=$(free_port)
  as_pg "$bindir/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 --no-sync >"$RUN_DIR/initdb.log" 2>&1 \
    || { cat "$RUN_DIR/initdb.log" >&2; exit 1; }
  as_pg "$PG_CTL" -D "$PG_DATA" -l "$PG_DATA/../postgres.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k '' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$PG_DATA/../postgres.log" >&2; exit 1; }
  local rest=${DATABASE_URL#*://}
  local name=${rest#*/}
  [ "$name" != "$rest" ] || name=qfapp
  DATABASE_URL="postgres://postgres@127.0.0.1:$port/$name"
  # The named database too, for the commands that expect it (makemigrations --check reads it).
  [ "$name" = postgres ] || "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name" 2>/dev/null || true
  echo "Nothing answers at $PG_ADDRESS: started a private PostgreSQL ($("$bindir/postgres" --version | awk '{print $3}')) at $DATABASE_URL"
}

start_redis() {
  local port
  if ! command -v redis-server >/dev/null; then
    bash scripts/packages.sh redis-server
  fi
  run_dir
  port=$(free_port)
  mkdir -p "$RUN_DIR/redis"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$RUN_DIR/redis" \
    --logfile "$RUN_DIR/redis.log" --daemonize no </dev/null >/dev/null 2>&1 &
  REDIS_PID=$!
  echo "$REDIS_PID" >"$RUN_DIR/redis.pid"
  for _ in $(seq 1 100); do answers 127.0.0.1 "$port" && break; sleep 0.1; done
  answers 127.0.0.1 "$port" || { cat "$RUN_DIR/redis.log" >&2; exit 1; }
  local rest=${REDIS_URL#*://}
  local db=${rest#*/}
  [ "$db" != "$rest" ] || db=0
  REDIS_URL="redis://127.0.0.1:$port/$db"
  echo "Nothing answers at $REDIS_ADDRESS: started a private Redis at $REDIS_URL"
}

# The whole run is one function, read before it starts: editing this file (a git checkout, a merge)
# while a long run waits for its command cannot change what the rest of the run does.
main() {
  read -r pg_host pg_port < <(host_port "$DATABASE_URL" 5432)
  read -r redis_host redis_port < <(host_port "$REDIS_URL" 6379)
  PG_ADDRESS="$pg_host:$pg_port"
  REDIS_ADDRESS="$redis_host:$redis_port"
  for address in "$PG_ADDRESS" "$REDIS_ADDRESS"; do
    if [ "${REQUIRE_PRIVATE:-0}" = 1 ] && answers "${address%:*}" "${address##*:}"; then
      echo "REQUIRE_PRIVATE=1 but something answers at $address: point the address at a closed port" >&2
      exit 1
    fi
  done
  if ! answers "$pg_host" "$pg_port"; then start_postgres; fi
  if ! answers "$redis_host" "$redis_port"; then start_redis; fi
  export DATABASE_URL REDIS_URL
  unset REQUIRE_PRIVATE  # meant for this script, not for the services COMMAND may start itself

  if [ $# -eq 0 ]; then
    echo "DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL"
    if [ -n "$RUN_DIR" ]; then
      echo "Ctrl-C stops the private services."
      while :; do sleep 3600; done
    fi
    exit 0
  fi
  "$@"
}

main "$@"; exit $?
