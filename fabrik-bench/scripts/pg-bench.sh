#!/usr/bin/env bash
# fabrik bench against the PostgreSQL store with PostgreSQL's default durability (fsync and
# synchronous_commit on): a throwaway cluster (dev/postgres without --fast), then
#   1. one server node:  fabrik bench (push-bulk, push, drain, latency), 50 connections;
#   2. two server nodes on one schema: each phase run on both nodes at once, 25 connections and
#      half the jobs each; the combined rate is all jobs over the slower node's time.
# Prints the machine (with its load average: on a shared machine the figures mean little), both reports, the combined two-node figures and the jobs table's size, then
# stops everything it started (nodes and cluster) and removes its folder, also on Ctrl-C.
#
# usage: fabrik-bench/scripts/pg-bench.sh [JAR] [JOBS]
#   JAR   the shaded CLI (default fabrik-cli/target/fabrik.jar; build: mvn -o -q -B package -DskipTests)
#   JOBS  jobs per throughput phase (default 200000)
# env: FABRIK_BENCH_POOL (database pool per node, default 10), FABRIK_BENCH_HEAP (default -Xmx1g),
#      FABRIK_BENCH_LATENCY_RATE (latency phase's pushes/s per node, default 1000: above the drain
#      rate jobs queue up and the phase measures the backlog, not push-to-fetch),
#      FABRIK_BENCH_WARMUP (jobs each push-bulk, push and drain phase first runs untimed, per node,
#      default JOBS: a fresh JVM's first seconds are mostly JIT compiling; 0 for none, which a jar
#      older than `bench --warmup-jobs` needs)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
jar=${1:-$root/fabrik-cli/target/fabrik.jar}
jobs=${2:-200000}
pool=${FABRIK_BENCH_POOL:-10}
heap=${FABRIK_BENCH_HEAP:--Xmx1g}
latency_rate=${FABRIK_BENCH_LATENCY_RATE:-1000} # per node; keep it below the drain rate
warmup=${FABRIK_BENCH_WARMUP:-$jobs}
[[ -f "$jar" ]] || { echo "pg-bench: $jar is missing (mvn -o -q -B package -DskipTests)" >&2; exit 2; }
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java=$JAVA_HOME/bin/java

work=$(mktemp -d /tmp/fabrik-pgbench-XXXX)
nodes=()
cleanup() {
  for pid in "${nodes[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  "$root/dev/postgres" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "pg-bench: no free port" >&2
  exit 1
}

# start_node SCHEMA: sets $node_port once the node listens (not in $(...): the pid must be kept)
start_node() {
  local schema=$1 port
  port=$(free_port)
  "$java" "$heap" -jar "$jar" server --storage postgres --database-url "$url" --schema "$schema" \
    --database-pool-size "$pool" --bind "127.0.0.1:$port" --no-web \
    >>"$work/node-$port.log" 2>&1 &
  nodes+=($!)
  for _ in $(seq 1 300); do
    if grep -q "fabrik listening on" "$work/node-$port.log" 2>/dev/null; then
      node_port=$port
      return
    fi
    kill -0 "${nodes[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "pg-bench: node on $port did not start:" >&2
  tail -n 20 "$work/node-$port.log" >&2
  exit 1
}

# A phase with errors makes fabrik bench exit 1: say so and go on to the next measurement.
bench() { # URL_PORT CONCURRENCY JOBS PHASES WARMUP_JOBS [--json]
  local warm=()
  [[ $5 == 0 ]] || warm=(--warmup-jobs "$5")
  "$java" -jar "$jar" bench --url "tcp://127.0.0.1:$1" --concurrency "$2" --jobs "$3" --phases "$4" \
    --latency-rate "$latency_rate" "${warm[@]}" "${@:6}" || echo "pg-bench: fabrik bench exited $? ($4 on :$1)" >&2
}

table_size() { # SCHEMA
  "$psql" -h 127.0.0.1 -p "$pgport" -U fabrik -d fabrik -Atq -c \
    "SELECT 'jobs table+indexes ' || pg_size_pretty(pg_total_relation_size('$1.jobs'))
            || ', dead rows ' || coalesce((SELECT n_dead_tup FROM pg_stat_user_tables
                                   WHERE schemaname = '$1' AND relname = 'jobs'), 0)"
}

echo "== machine: load $(cut -d' ' -f1-3 /proc/loadavg) at start, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), $(uname -r)"
url=$("$root/dev/postgres" start "$work/pg") # no --fast: fsync and synchronous_commit stay on
pgport=${url##*:}
pgport=${pgport%%/*}
psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n 1)
echo "== PostgreSQL $("$psql" -h 127.0.0.1 -p "$pgport" -U fabrik -d fabrik -Atq -c 'SHOW server_version')" \
  "on 127.0.0.1:$pgport, fsync=$("$psql" -h 127.0.0.1 -p "$pgport" -U fabrik -d fabrik -Atq -c 'SHOW fsync')," \
  "synchronous_commit=$("$psql" -h 127.0.0.1 -p "$pgport" -U fabrik -d fabrik -Atq -c 'SHOW synchronous_commit')," \
  "pool $pool per node, jobs $jobs per phase, warm-up $warmup untimed jobs before each"

echo
echo "== one node"
start_node bench_one
one=$node_port
bench "$one" 50 "$jobs" push-bulk,push,drain,latency "$warmup"
echo "$(table_size bench_one); load $(cut -d' ' -f1-3 /proc/loadavg)"
kill "${nodes[0]}" && wait "${nodes[0]}" 2>/dev/null || true
nodes=()

echo
echo "== two nodes on one schema (each phase on both nodes at once, 25 connections each)"
start_node bench_two
a=$node_port
start_node bench_two
b=$node_port
half=$((jobs / 2))
for phase in push-bulk push drain latency; do
  bench "$a" 25 "$half" "$phase" "$((warmup / 2))" --json >"$work/a.json" &
  pa=$!
  bench "$b" 25 "$half" "$phase" "$((warmup / 2))" --json >"$work/b.json" &
  pb=$!
  wait "$pa" || true
  wait "$pb" || true
  python3 - "$phase" "$work/a.json" "$work/b.json" <<'PY'
import json, sys
phase, files = sys.argv[1], sys.argv[2:]
runs = []
for f in files:
    try:
        runs.append(json.load(open(f))["phases"][0])
    except Exception as e:  # a failed bench prints no JSON: say so rather than invent a figure
        print(f"{phase:10s} node report unreadable ({f}): {e}")
        sys.exit(0)
jobs = sum(r["jobs"] for r in runs)
secs = max(r["seconds"] for r in runs)
errors = sum(r["errors"] for r in runs)
line = f"{phase:10s} {jobs:9d} jobs {secs:8.2f} s {jobs / secs:10.0f} jobs/s combined, errors {errors}"
lat = [r.get("latency_ms") for r in runs if r.get("latency_ms")]
if lat:
    line += ", p50 ms " + "/".join(f"{l['p50']:.2f}" for l in lat)
    line += ", p99 ms " + "/".join(f"{l['p99']:.2f}" for l in lat)
print(line)
PY
done
echo "$(table_size bench_two); load $(cut -d' ' -f1-3 /proc/loadavg)"
