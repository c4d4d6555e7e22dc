#!/usr/bin/env bash
# Drain (FETCH+ACK) of two builds, interleaved A, B, A, B, ... on one default-durability PostgreSQL
# cluster (dev/postgres without --fast): per run one node (--database-pool-size 24) on a fresh
# schema, `fabrik bench --concurrency 50 --jobs JOBS --phases push-bulk,drain`, then the node is
# stopped. Prints each run's time, jar, load average, the bench's push-bulk/drain lines and the CPU
# per drained job of the node and of PostgreSQL (all its processes) during the drain phase (user +
# system from /proc: less distorted by a loaded machine than the drain's rate; the drain phase
# fills its queue first, untimed, so both include that fill's share); stops the cluster and
# removes its folder at the end, also on Ctrl-C.
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
postmaster=$(head -n 1 "$work/pg/postmaster.pid")
run=0
for _ in $(seq 1 "$pairs"); do
  for jar in "$jar_a" "$jar_b"; do
    run=$((run + 1))
    start_node "$jar" "run$run" "$work/node$run.log" || continue
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "run $run $(date -u +%H:%M:%S) $jar load $load"
    for phase in push-bulk drain; do
      node0=$(cpu one "$node")
      pg0=$(cpu tree "$postmaster")
      "$java" -jar "$jar" bench --url "tcp://127.0.0.1:$port" --concurrency 50 --jobs "$jobs" \
        --phases "$phase" 2>&1 | grep -E "^$phase " || echo "bench $phase failed"
    done
    python3 -c "import sys; n0, n1, p0, p1 = map(float, sys.argv[1:]); print(f'CPU per drained job: node {(n1 - n0) * 1000 / $jobs:.3f} ms, PostgreSQL {(p1 - p0) * 1000 / $jobs:.3f} ms')" \
      "$node0" "$(cpu one "$node")" "$pg0" "$(cpu tree "$postmaster")"
    stop_node
  done
done
