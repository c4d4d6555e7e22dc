#!/usr/bin/env bash
# Drain (FETCH+ACK) of two builds, interleaved A, B, A, B, ... on one default-durability PostgreSQL
# cluster (dev/postgres without --fast): per run one node (--database-pool-size 24) on a fresh
# schema, `fabrik bench --concurrency 50 --jobs JOBS --phases push-bulk,drain`, then the node is
# stopped. Prints each run's time, jar, load average and the bench's push-bulk/drain lines; stops
# the cluster and removes its folder at the end, also on Ctrl-C.
#
# usage: fabrik-bench/scripts/pg-drain-pairs.sh JAR_A JAR_B [PAIRS] [JOBS]   (defaults 3, 20000)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
jar_a=$1
jar_b=$2
pairs=${3:-3}
jobs=${4:-20000}
# shellcheck source=pg-throwaway.sh
source "$root/fabrik-bench/scripts/pg-throwaway.sh" drainpairs

url=$("$root/dev/postgres" start "$work/pg")
run=0
for _ in $(seq 1 "$pairs"); do
  for jar in "$jar_a" "$jar_b"; do
    run=$((run + 1))
    port=$((31000 + RANDOM % 20000))
    "$java" -Xmx1g -jar "$jar" server --storage postgres --database-url "$url" --schema "run$run" \
      --database-pool-size 24 --bind "127.0.0.1:$port" --no-web >"$work/node$run.log" 2>&1 &
    node=$!
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.3 # polling for the node's port: nothing to await in a shell
    done
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "run $run $(date -u +%H:%M:%S) $jar load $load"
    "$java" -jar "$jar" bench --url "tcp://127.0.0.1:$port" --concurrency 50 --jobs "$jobs" \
      --phases push-bulk,drain 2>&1 | grep -E '^(push-bulk|drain) ' || echo "bench failed"
    kill "$node"
    wait "$node" 2>/dev/null || true
    node=
  done
done
