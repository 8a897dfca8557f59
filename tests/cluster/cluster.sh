#!/usr/bin/env bash
# The cluster topology on one machine, on loopback: a throwaway PostgreSQL (.ci/postgres), optionally redis-server,
# N web nodes (Jobs:Workers=0) and M worker processes (`DeepNet.Server.dll worker`), all over one database and one
# shared data directory. The same shape as docker-compose's `cluster` profile; the cluster tests use it.
#
#   tests/cluster/cluster.sh start DIR [--web N] [--workers M] [--runners R] [--redis] [--server-dir PATH]
#   tests/cluster/cluster.sh stop DIR
#
# start prints, and writes to DIR/cluster.env, the addresses: WEB_URLS and WORKER_URLS (space-separated),
# DATABASE (the connection string), REDIS (host:port or empty). Each process's pid is in DIR/pids/NAME.pid and its
# output in DIR/logs/NAME.log (NAME = web1.., worker1..). Settings for every process pass through the environment
# (e.g. Jobs__LeaseDuration=00:00:05). stop ends everything start started, and only that.
set -euo pipefail
action=${1:?usage: cluster.sh start|stop DIR [options]}
dir=${2:?usage: cluster.sh start|stop DIR [options]}
shift 2
repo=$(cd "$(dirname "$0")/../.." && pwd)
web=2 workers=2 runners=1 redis=0
server_dir="$repo/src/DeepNet.Server/bin/Release/net10.0"
while [ $# -gt 0 ]; do
  case "$1" in
    --web) web=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --runners) runners=$2; shift 2 ;;
    --redis) redis=1; shift ;;
    --server-dir) server_dir=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_healthy() { # name url
  for _ in $(seq 1 240); do
    if curl -fsS "$2/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$dir/pids/$1.pid")" 2>/dev/null; then
      echo "$1 exited during startup:" >&2; tail -n 20 "$dir/logs/$1.log" >&2; return 1
    fi
    sleep 0.5
  done
  echo "$1 did not become healthy at $2:" >&2; tail -n 20 "$dir/logs/$1.log" >&2; return 1
}

start_node() { # name url jobs-workers [worker]
  local name=$1 url=$2 runners=$3 mode=${4:-}
  # Run from the build output: the content root (appsettings*.json, wwwroot/) sits next to the dll.
  local settings=(
    ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
    ASPNETCORE_URLS="$url"
    Storage__DataDirectory="$dir/data"
    Database__Provider=postgres
    ConnectionStrings__DeepNet="$database"
    Jobs__Workers="$runners"
    DOTNET_NOLOGO=1
  )
  [ -n "$redis_address" ] && settings+=(Redis__Connection="$redis_address")
  # setsid: the process outlives a terminal's signals; its pid is the one written below (exec keeps it).
  (cd "$server_dir" && exec env "${settings[@]}" setsid dotnet DeepNet.Server.dll $mode >"$dir/logs/$name.log" 2>&1 </dev/null) &
  echo $! >"$dir/pids/$name.pid"
}

stop_pid_file() { # file
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

case "$action" in
  start)
    [ -f "$server_dir/DeepNet.Server.dll" ] || { echo "no server build in $server_dir (dotnet build src/DeepNet.Server -c Release)" >&2; exit 1; }
    mkdir -p "$dir/pids" "$dir/logs" "$dir/data"
    pg_port=$(free_port)
    server=$(DEEPNET_PG_PORT=$pg_port "$repo/.ci/postgres" start "$dir/postgres")
    echo "$pg_port" >"$dir/postgres.port"
    database="$server;Database=deepnet"
    redis_address=""
    if [ "$redis" = 1 ]; then
      redis_port=$(free_port)
      mkdir -p "$dir/redis"
      redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$dir/redis" \
        --daemonize yes --pidfile "$dir/pids/redis.pid" --logfile "$dir/logs/redis.log"
      redis_address="127.0.0.1:$redis_port"
    fi

    web_urls="" worker_urls=""
    for i in $(seq 1 "$web"); do
      url="http://127.0.0.1:$(free_port)"
      start_node "web$i" "$url" 0
      # The first node creates the database and applies the migrations before any other process touches it.
      [ "$i" = 1 ] && wait_healthy web1 "$url"
      web_urls="$web_urls $url"
    done
    for i in $(seq 1 "$workers"); do
      url="http://127.0.0.1:$(free_port)"
      start_node "worker$i" "$url" "$runners" worker
      worker_urls="$worker_urls $url"
    done
    i=0; for url in $web_urls; do i=$((i + 1)); wait_healthy "web$i" "$url"; done
    i=0; for url in $worker_urls; do i=$((i + 1)); wait_healthy "worker$i" "$url"; done

    {
      echo "WEB_URLS=\"${web_urls# }\""
      echo "WORKER_URLS=\"${worker_urls# }\""
      echo "DATABASE=\"$database\""
      echo "REDIS=\"$redis_address\""
      echo "DATA_DIRECTORY=\"$dir/data\""
    } | tee "$dir/cluster.env"
    ;;
  stop)
    for file in "$dir"/pids/web*.pid "$dir"/pids/worker*.pid; do
      [ -e "$file" ] && stop_pid_file "$file"
    done
    [ -e "$dir/pids/redis.pid" ] && stop_pid_file "$dir/pids/redis.pid"
    [ -d "$dir/postgres" ] && "$repo/.ci/postgres" stop "$dir/postgres"
    true
    ;;
  *)
    echo "usage: cluster.sh start|stop DIR [--web N] [--workers M] [--runners R] [--redis] [--server-dir PATH]" >&2
    exit 2
    ;;
esac
