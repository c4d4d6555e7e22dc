#!/usr/bin/env bash
# A warm node's drain (FETCH+ACK) of several builds, interleaved A, B, A, B, ... on one
# default-durability PostgreSQL cluster (dev/postgres without --fast): per run one node
# (--database-pool-size 24) on a fresh schema, an untimed 100,000-job drain to warm its JIT, then
# `fabrik bench --concurrency 50 --jobs JOBS --phases drain`. Prints the drain line and, for the
# measured drain only (its untimed fill included), the node's CPU per drained job and its event
# loops' voluntary context switches per job: each one is a loop that blocked in select and was
# woken (a reply to write, a command to start). Both from /proc, less distorted by a loaded machine
# than the rate. Stops the cluster and removes its folder at the end, also on Ctrl-C.
#
# usage: fabrik-bench/scripts/pg-drain-warm.sh PAIRS JOBS JAR...
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
pairs=$1
jobs=$2
shift 2
# shellcheck source=pg-throwaway.sh
source "$root/fabrik-bench/scripts/pg-throwaway.sh" drainwarm

# The CPU seconds of a process and the voluntary context switches of its fabrik-loop threads.
loops() {
  python3 - "$1" <<'PY'
import os, sys
pid = sys.argv[1]
switches = 0
for t in os.listdir(f"/proc/{pid}/task"):
    try:
        if not open(f"/proc/{pid}/task/{t}/comm").read().startswith("fabrik-loop"):
            continue
        for line in open(f"/proc/{pid}/task/{t}/status"):
            if line.startswith("voluntary_ctxt_switches"):
                switches += int(line.split()[1])
    except OSError:
        pass  # a thread that ended meanwhile
print(switches)
PY
}

url=$("$root/dev/postgres" start "$work/pg")
run=0
for _ in $(seq 1 "$pairs"); do
  for jar in "$@"; do
    run=$((run + 1))
    start_node "$jar" "run$run" "$work/node$run.log" || continue
    "$java" -jar "$jar" bench --url "tcp://127.0.0.1:$port" --concurrency 50 --jobs 100000 \
      --phases drain >/dev/null 2>&1 || echo "warm-up drain failed"
    cpu0=$(cpu one "$node")
    sw0=$(loops "$node")
    echo "run $run $(date -u +%H:%M:%S) $jar load $(cut -d' ' -f1 /proc/loadavg)"
    "$java" -jar "$jar" bench --url "tcp://127.0.0.1:$port" --concurrency 50 --jobs "$jobs" \
      --phases drain 2>&1 | grep -E "^drain " || echo "bench drain failed"
    python3 -c "import sys; c0, c1, s0, s1 = map(float, sys.argv[1:]); print(f'warm node CPU per drained job {(c1 - c0) * 1000 / $jobs:.4f} ms, loop wake-ups per job {(s1 - s0) / $jobs:.3f}')" \
      "$cpu0" "$(cpu one "$node")" "$sw0" "$(loops "$node")"
    stop_node
  done
done
