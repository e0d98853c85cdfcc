#!/usr/bin/env bash
# Before/after on PostgreSQL: fanout 50 msg/s x 1000 members and ingest 1000/s, three alternated runs of
# each, a fresh server and database per run, the server's CPU time read from /proc around each run.
# Usage: BENCH_DIR=/tmp/ba bench/before-after.sh   (with $BENCH_DIR/before.jar and after.jar built; results.tsv there)
set -uo pipefail
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
GEN=${BENCH_DIR:-/work/bench}/after.jar
OUT=${BENCH_DIR:-/work/bench}/results.tsv
export ULTRACHAT_BENCH_ADMIN_PASSWORD="admin password long"
echo -e "workload\tversion\trun\tserver_cpu_s\tdelivered_or_acked\tcpu_ms_per_unit\tp50_ms\tp99_ms\tresult" >> $OUT
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
one() {
  local workload=$1 version=$2 run=$3
  local jar=${BENCH_DIR:-/work/bench}/$version.jar db=bench_$(date +%s%N | tail -c 9)
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
  local url=postgresql://postgres@127.0.0.1:5432/$db data=/tmp/bench-$db
  echo "admin password long" | ULTRACHAT_DB_URL=$url $JAVA --enable-native-access=ALL-UNNAMED -jar $jar user create --admin \
    --username=admin --password-stdin --data-dir=$data > /dev/null 2>&1
  ULTRACHAT_DB_URL=$url $JAVA --enable-native-access=ALL-UNNAMED -jar $jar serve --data-dir=$data --http-port=8081 \
    > /tmp/bench-server-$version-$workload-$run.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do curl -sf localhost:8081/health/ready > /dev/null && break; sleep 1; done
  local before=$(ticks $pid)
  local dir=${BENCH_DIR:-/work/bench}/out-$workload-$version-$run; mkdir -p $dir
  if [ $workload = fanout ]; then
    (cd $dir && $JAVA -jar $GEN bench fanout --target http://127.0.0.1:8081 --channels 10 --members 1000 --rate 50 \
      --duration 30 --ramp 500 > bench.log 2>&1)
  else
    (cd $dir && $JAVA -jar $GEN bench ingest --target http://127.0.0.1:8081 --connections 500 --rates 1000 --step 20 \
      > bench.log 2>&1)
  fi
  local after=$(ticks $pid)
  kill $pid; wait $pid 2>/dev/null
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db" postgres
  local json=$(ls $dir/bench-results/*.json | tail -1)
  python3 - "$workload" "$version" "$run" "$before" "$after" "$json" >> $OUT <<'PY'
import json, sys
w, v, r, b, a, f = sys.argv[1:]
d = json.load(open(f))
cpu = (int(a) - int(b)) / 100.0
if w == 'fanout':
    n = d['counters']['delivered']; lat = d['latencies']['deliver']
else:
    n = d['counters']['acked@001000']; lat = d['latencies']['ack@001000']
print(f"{w}\t{v}\t{r}\t{cpu:.1f}\t{n}\t{1000*cpu/max(n,1):.4f}\t{lat['p50']:.1f}\t{lat['p99']:.1f}\t{f}")
PY
}
for run in 1 2 3; do
  for workload in fanout ingest; do
    one $workload before $run
    one $workload after $run
  done
done
echo done >> $OUT
