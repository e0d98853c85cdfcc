#!/usr/bin/env bash
# Starts a cluster on this machine, as the cluster benchmarks in docs/benchmarks.md ran:
# N node processes (ports 8081..) on one PostgreSQL database and the local Redis, behind nginx
# with deploy/nginx/ultrachat.conf on :8080. Creates the admin `admin` (password from
# ULTRACHAT_BENCH_ADMIN_PASSWORD) for `ultrachat bench ... --target http://127.0.0.1:8080`.
#   deploy/local-cluster.sh start [N=3, up to 9] [nginx workers=8]    (a fresh database ultrachat_cluster)
#   deploy/local-cluster.sh stop
# Needs the jar (./ultrachat builds it), PostgreSQL at 127.0.0.1:5432, Redis at :6379, nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${ULTRACHAT_CLUSTER_DIR:-/tmp/ultrachat-cluster}
JAR=app/target/ultrachat.jar
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java

stop() {
  [ -f "$RUN/nginx.pid" ] && kill "$(cat "$RUN/nginx.pid")" 2>/dev/null || true
  for pid in "$RUN"/node-*.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true; done
  rm -f "$RUN"/*.pid
}

case "${1:-}" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start [nodes] [nginx workers] | stop" >&2; exit 2 ;;
esac
n=${2:-3}; workers=${3:-8}
[ "$n" -ge 1 ] && [ "$n" -le 9 ] || { echo "1 to 9 nodes (ports 8081-8089)" >&2; exit 2; }
[ -f "$JAR" ] || { echo "no $JAR: run ./ultrachat --help once to build it" >&2; exit 1; }
stop
rm -rf "$RUN"; mkdir -p "$RUN/logs"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ultrachat_cluster" -c "CREATE DATABASE ultrachat_cluster"
export ULTRACHAT_DB_URL=postgresql://postgres@127.0.0.1:5432/ultrachat_cluster
export ULTRACHAT_REDIS_URL=redis://127.0.0.1:6379
export ULTRACHAT_MASTER_KEY=${ULTRACHAT_MASTER_KEY:-$(head -c 32 /dev/urandom | base64)}
export ULTRACHAT_TRUSTED_PROXIES=127.0.0.1/32
echo "${ULTRACHAT_BENCH_ADMIN_PASSWORD:-admin password long}" | "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" \
  user create --admin --username=admin --password-stdin --data-dir="$RUN/admin" >"$RUN/logs/admin.log" 2>&1
ready() { for _ in $(seq 1 120); do curl -sf "localhost:$1/health/ready" >/dev/null && return 0; sleep 0.5; done; return 1; }
for i in $(seq 1 "$n"); do
  ULTRACHAT_HTTP_PORT=$((8080 + i)) ULTRACHAT_DATA_DIR="$RUN/node-$i" \
    nohup "$JAVA" --enable-native-access=ALL-UNNAMED ${NODE_OPTS:-} -jar "$JAR" serve >"$RUN/logs/node-$i.log" 2>&1 &
  echo $! >"$RUN/node-$i.pid"
  # The first node migrates the new database; the others start after it.
  [ "$i" = 1 ] && { ready 8081 || { echo "node 1 did not start; see $RUN/logs/node-1.log" >&2; exit 1; }; }
done
for i in $(seq 1 "$n"); do ready $((8080 + i)) || { echo "node $i did not start; see $RUN/logs" >&2; exit 1; }; done
# The shipped config with this run's workers, and its three upstream servers replaced by the n nodes.
servers=$(for i in $(seq 1 "$n"); do printf '        server 127.0.0.1:%d max_fails=1 fail_timeout=5s;\\n' $((8080 + i)); done)
sed -e "s/worker_processes auto;/worker_processes $workers;/" -e "/server 127.0.0.1:808[0-9] /d" \
  -e "s/^\( *least_conn;\)$/\1\n$servers/" deploy/nginx/ultrachat.conf >"$RUN/nginx.conf"
nginx -p "$RUN" -c "$RUN/nginx.conf" -g "pid $RUN/nginx.pid; error_log $RUN/logs/nginx-error.log;"
ready 8080 && echo "cluster of $n nodes behind nginx at http://127.0.0.1:8080 (logs in $RUN/logs)"
