#!/usr/bin/env bash
# Starts a cluster on this machine, as the cluster benchmarks in docs/benchmarks.md ran:
# N node processes (ports 8081..) on one PostgreSQL database and the local Redis, behind nginx
# with deploy/nginx/ultrachat.conf on :8080. Creates the admin `admin` (password from
# ULTRACHAT_BENCH_ADMIN_PASSWORD) for `ultrachat bench ... --target http://127.0.0.1:8080`.
#   deploy/local-cluster.sh start [N=3, up to 9] [nginx workers=8]    (a fresh database ultrachat_cluster)
#   deploy/local-cluster.sh split [N=1, up to 9] [nginx workers=8]
#       the services apart: an auth node (:8091), a chat node (:8092) and N gateway-only nodes
#       (8081..) in front of them, behind nginx on :8080
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
  start|split) ;;
  *) echo "usage: $0 start|split [nodes] [nginx workers] | stop" >&2; exit 2 ;;
esac
mode=$1
n=${2:-$([ "$mode" = split ] && echo 1 || echo 3)}; workers=${3:-8}
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
serve() { # name port [VAR=value...]: one node in the background
  local name=$1 port=$2; shift 2
  env ULTRACHAT_HTTP_PORT="$port" ULTRACHAT_DATA_DIR="$RUN/$name" "$@" \
    nohup "$JAVA" --enable-native-access=ALL-UNNAMED ${NODE_OPTS:-} -jar "$JAR" serve >"$RUN/logs/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}
if [ "$mode" = split ]; then
  export ULTRACHAT_CLUSTER_SECRET=${ULTRACHAT_CLUSTER_SECRET:-$(head -c 32 /dev/urandom | base64)}
  # The auth node migrates the new database; the chat node checks tokens on it.
  serve node-auth 8091 ULTRACHAT_SERVICES=auth
  ready 8091 || { echo "the auth node did not start; see $RUN/logs/node-auth.log" >&2; exit 1; }
  serve node-chat 8092 ULTRACHAT_SERVICES=chat ULTRACHAT_UPSTREAM_AUTH=http://127.0.0.1:8091
  ready 8092 || { echo "the chat node did not start; see $RUN/logs/node-chat.log" >&2; exit 1; }
  export ULTRACHAT_SERVICES=gateway ULTRACHAT_UPSTREAM_AUTH=http://127.0.0.1:8091 ULTRACHAT_UPSTREAM_CHAT=http://127.0.0.1:8092
fi
for i in $(seq 1 "$n"); do
  serve "node-$i" $((8080 + i))
  # The first node migrates the new database; the others start after it.
  [ "$i" = 1 ] && { ready 8081 || { echo "node 1 did not start; see $RUN/logs/node-1.log" >&2; exit 1; }; }
done
for i in $(seq 1 "$n"); do ready $((8080 + i)) || { echo "node $i did not start; see $RUN/logs" >&2; exit 1; }; done
# The shipped config with this run's workers, and its three upstream servers replaced by the n nodes.
servers=$(for i in $(seq 1 "$n"); do printf '        server 127.0.0.1:%d max_fails=1 fail_timeout=5s;\\n' $((8080 + i)); done)
sed -e "s/worker_processes auto;/worker_processes $workers;/" -e "/server 127.0.0.1:808[0-9] /d" \
  -e "s/^\( *least_conn;\)$/\1\n$servers/" deploy/nginx/ultrachat.conf >"$RUN/nginx.conf"
nginx -p "$RUN" -c "$RUN/nginx.conf" -g "pid $RUN/nginx.pid; error_log $RUN/logs/nginx-error.log;"
what=$([ "$mode" = split ] && echo "$n gateway-only nodes (auth on :8091, chat on :8092)" || echo "$n nodes")
ready 8080 && echo "cluster of $what behind nginx at http://127.0.0.1:8080 (logs in $RUN/logs)"
