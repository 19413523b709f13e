#!/usr/bin/env bash
# Private Redis, PostgreSQL and nginx for the scaled mode (docs/deploy.md) and its tests (make check-scale).
#
#   scripts/services.sh install                 apt-get install redis-server postgresql nginx, if missing
#   scripts/services.sh start [DIR]             Redis + PostgreSQL on free loopback ports, data under DIR
#   scripts/services.sh stop [DIR]              stop them (and nginx, if started here); data stays
#   scripts/services.sh restart-redis [DIR]     stop Redis and start it again on the same port
#   scripts/services.sh nginx DIR PORT HOST:PORT...   nginx on PORT balancing the given Rasa servers
#   scripts/services.sh status [DIR]
#
# DIR defaults to var/services. `start` writes DIR/services.env (mode 0600) with the variables
# endpoints.scaled.yml reads (POSTGRES_*, REDIS_*) and PREFILL_DATABASE_URL; `source` it. Passwords are random per DIR.
# Every server listens on 127.0.0.1 only. These are private instances for one machine's tests and trials;
# a real deployment runs its own managed PostgreSQL and Redis (docs/deploy.md).
# As root, PostgreSQL runs as the `postgres` user (initdb and postgres refuse root); when that user cannot
# reach DIR (e.g. under a 0700 pytest directory) its data lives in a private directory under /tmp,
# linked from DIR/postgres and removed by `stop` when DIR is a temporary one (SCALE_TMP=1).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "services: $*" >&2; }
die() { say "$*"; exit 1; }

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return; }; done
  return 1
}

cmd_install() {
  local packages=()
  command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
  pg_bin >/dev/null 2>&1 || packages+=(postgresql)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || packages+=(nginx)
  if [ ${#packages[@]} -eq 0 ]; then
    say "redis-server, postgresql and nginx already installed"
    return
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "run as root to install ${packages[*]} (apt-get)"
    sudo="sudo"
  fi
  say "installing ${packages[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  # The packages' own services are not wanted: policy-rc.d keeps them from starting on install.
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created_policy=1
  fi
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  [ -n "$created_policy" ] && $sudo rm -f "$policy"
  say "installed ${packages[*]}"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

secret() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

as_pg() {  # run a PostgreSQL program as the owner of the data directory
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_for() {  # wait_for SECONDS WHAT COMMAND...
  local seconds=$1 what=$2; shift 2
  local i
  for i in $(seq 1 $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "$what did not start (see its log under $DIR)"
}

load_env() { [ -f "$DIR/services.env" ] && source "$DIR/services.env"; }

start_redis() {
  mkdir -p "$DIR/redis"
  [ -f "$DIR/redis/redis.pid" ] && kill -0 "$(cat "$DIR/redis/redis.pid")" 2>/dev/null && return
  # Nothing is persisted: locks, WeChat deduplication and the access_token are short-lived by design.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --requirepass "$REDIS_PASSWORD" \
    --dir "$DIR/redis" --pidfile "$DIR/redis/redis.pid" --logfile "$DIR/redis/redis.log" \
    --daemonize yes --save "" --appendonly no --protected-mode yes
  wait_for 20 Redis redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning ping
}

stop_redis() {
  local pidfile="$DIR/redis/redis.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
}

pg_base() {  # DIR/postgres, or the private directory it links to; owned by whoever runs postgres
  local link="$DIR/postgres"
  if [ -L "$link" ] || [ -d "$link" ]; then readlink -f "$link"; return; fi
  if [ "$(id -u)" -ne 0 ]; then mkdir -p "$link"; echo "$link"; return; fi
  if runuser -u postgres -- test -x "$DIR" 2>/dev/null; then
    mkdir -p "$link"
    echo "$link"
  else
    local private; private=$(mktemp -d /tmp/rasa-postgres.XXXXXX)
    ln -s "$private" "$link"
    echo "$private"
  fi
}

start_postgres() {
  local bin base data; bin=$(pg_bin) || die "PostgreSQL is not installed: scripts/services.sh install"
  base=$(pg_base); data="$base/data"
  if [ ! -f "$data/PG_VERSION" ]; then
    [ "$(id -u)" -eq 0 ] && chown postgres: "$base"
    chmod 700 "$base"
    local pwfile="$base/pw"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$pwfile"
    as_pg "$bin/initdb" -D "$data" -U "$POSTGRES_USER" --pwfile="$pwfile" --auth=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
  fi
  if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # TCP on loopback only; no Unix socket (its default directory belongs to the system's cluster).
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT -c unix_socket_directories='' -c max_connections=200 -c fsync=${POSTGRES_FSYNC:-on}" \
      >/dev/null || { cat "$data/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  export PGPASSWORD="$POSTGRES_PASSWORD"
  wait_for 30 PostgreSQL "$bin/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"
  if ! "$bin/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres -tAc \
       "SELECT 1 FROM pg_database WHERE datname='$POSTGRES_DB'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" "$POSTGRES_DB"
  fi
}

stop_postgres() {
  local bin base; bin=$(pg_bin) || return 0
  [ -e "$DIR/postgres" ] || return 0
  base=$(readlink -f "$DIR/postgres")
  [ -f "$base/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null 2>&1 || true
  if [ "${SCALE_TMP:-0}" = 1 ] && [ -L "$DIR/postgres" ]; then rm -rf "$base" "$DIR/postgres"; fi
}

cmd_start() {
  cmd_install
  mkdir -p "$DIR"
  if ! load_env; then
    cat > "$DIR/services.env" <<EOF
export REDIS_HOST=127.0.0.1
export REDIS_PORT=$(free_port)
export REDIS_PASSWORD=$(secret)
export POSTGRES_HOST=127.0.0.1
export POSTGRES_PORT=$(free_port)
export POSTGRES_DB=rasa
export POSTGRES_USER=rasa
export POSTGRES_PASSWORD=$(secret)
EOF
    # the prefill store of every server in the same database (bot/prefill/sql_store.py)
    ( source "$DIR/services.env"
      echo "export PREFILL_DATABASE_URL=postgresql://$POSTGRES_USER:$POSTGRES_PASSWORD@$POSTGRES_HOST:$POSTGRES_PORT/$POSTGRES_DB"
    ) >> "$DIR/services.env"
    chmod 600 "$DIR/services.env"
    load_env
  fi
  start_redis
  start_postgres
  say "Redis on 127.0.0.1:$REDIS_PORT, PostgreSQL on 127.0.0.1:$POSTGRES_PORT (source $DIR/services.env)"
}

cmd_stop() {
  stop_nginx
  stop_redis
  stop_postgres
  say "stopped the services under $DIR"
}

cmd_restart_redis() {
  load_env || die "no services under $DIR"
  stop_redis
  start_redis
  say "Redis restarted on 127.0.0.1:$REDIS_PORT"
}

# nginx: deploy/nginx.conf with the listening port, the Rasa servers and the paths filled in.
cmd_nginx() {
  local port=$1; shift
  [ $# -ge 1 ] || die "nginx: give the Rasa servers as HOST:PORT"
  local prefix="$DIR/nginx"; mkdir -p "$prefix/logs" "$prefix/tmp"
  local upstreams="" server
  for server in "$@"; do upstreams+="        server $server max_fails=1 fail_timeout=10s;\n"; done
  local user_line=""
  [ "$(id -u)" -eq 0 ] && user_line="user root;"  # workers must reach $prefix (a 0700 directory)
  sed -e "s|@USER@|$user_line|" -e "s|@PREFIX@|$prefix|g" -e "s|@LISTEN@|127.0.0.1:$port|" \
      -e "s|@SERVER_NAME@|localhost|" -e "s|@DEPLOY@|$PWD/deploy|g" -e "s|^ *@UPSTREAMS@|$upstreams|" deploy/nginx.conf > "$prefix/nginx.conf"
  local nginx; nginx=$(command -v nginx || echo /usr/sbin/nginx)
  "$nginx" -t -q -p "$prefix" -c "$prefix/nginx.conf" || die "nginx configuration refused"
  "$nginx" -p "$prefix" -c "$prefix/nginx.conf"
  wait_for 20 nginx curl -s -o /dev/null "http://127.0.0.1:$port/nginx-health"
  say "nginx on 127.0.0.1:$port in front of $*"
}

stop_nginx() {
  local pidfile="$DIR/nginx/nginx.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && kill -QUIT "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
}

cmd_status() {
  load_env || { echo "no services under $DIR"; return 1; }
  local ok=0
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null | grep -q PONG; then
    echo "Redis      127.0.0.1:$REDIS_PORT  up"; else echo "Redis      127.0.0.1:$REDIS_PORT  down"; ok=1; fi
  if "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"; then
    echo "PostgreSQL 127.0.0.1:$POSTGRES_PORT  up"; else echo "PostgreSQL 127.0.0.1:$POSTGRES_PORT  down"; ok=1; fi
  return $ok
}

action=${1:-}
[ $# -gt 0 ] && shift
case "$action" in
  install) cmd_install ;;
  start) DIR=$(realpath -m "${1:-var/services}"); cmd_start ;;
  stop) DIR=$(realpath -m "${1:-var/services}"); cmd_stop ;;
  restart-redis) DIR=$(realpath -m "${1:-var/services}"); cmd_restart_redis ;;
  nginx) DIR=$(realpath -m "$1"); shift; cmd_nginx "$@" ;;
  status) DIR=$(realpath -m "${1:-var/services}"); cmd_status ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
