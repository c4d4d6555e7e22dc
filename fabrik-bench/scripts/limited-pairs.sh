#!/usr/bin/env bash
# limited-drain (a queue at its concurrency limit, docs/benchmarks-limits.md) of two builds,
# interleaved A, B, A, B, ...: per run a fresh server (PostgreSQL: a fresh schema on one
# default-durability cluster, dev/postgres without --fast; SQLite: a fresh data folder), then
# `fabrik bench --phases limited-drain --jobs JOBS --concurrency 20 --limit 10 --work-ms 5`, whose
# line shows the client's gaps, the FETCH round trip and the server's own idle gaps, then the
# server's throttled and lost-race counters (/metrics). Prints each run's time, jar and load
# average; stops everything and removes its folder at the end, also on Ctrl-C.
#
# usage: fabrik-bench/scripts/limited-pairs.sh postgres|sqlite JAR_A JAR_B [PAIRS] [JOBS]
#        (defaults 3 pairs, 3000 jobs)
# env:   SCOPE=jobtype  limit the bench jobs' type (bench.noop) rather than the queue
#        (--limit-scope, which builds before it lack: set BENCH_JAR)
#        BENCH_JAR=JAR  run the bench client of JAR against both servers (default: each run's jar)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
storage=$1
jar_a=$2
jar_b=$3
pairs=${4:-3}
jobs=${5:-3000}
scope=${SCOPE:-queue}
scope_opt=()
[[ "$scope" != queue ]] && scope_opt=(--limit-scope "$scope")
# shellcheck source=pg-throwaway.sh
source "$root/fabrik-bench/scripts/pg-throwaway.sh" limitedpairs

[[ "$storage" == postgres ]] && url=$("$root/dev/postgres" start "$work/pg")
run=0
for _ in $(seq 1 "$pairs"); do
  for jar in "$jar_a" "$jar_b"; do
    run=$((run + 1))
    port=$(free_port)
    web=$(free_port)
    while [[ $web == "$port" ]]; do web=$(free_port); done
    store=(--storage sqlite --data-dir "$work/data$run")
    [[ "$storage" == postgres ]] &&
      store=(--storage postgres --database-url "$url" --schema "run$run" --database-pool-size 24)
    "$java" -Xmx1g -jar "$jar" server "${store[@]}" --bind "127.0.0.1:$port" \
      --web-bind "127.0.0.1:$web" >"$work/node$run.log" 2>&1 &
    node=$!
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$web") 2>/dev/null && break
      sleep 0.3 # polling for the node's web port: nothing to await in a shell
    done
    echo "run $run $(date -u +%H:%M:%S) $jar $storage $scope load $(cut -d' ' -f1 /proc/loadavg)"
    if ! kill -0 "$node" 2>/dev/null; then
      echo "the server did not start:" && tail -5 "$work/node$run.log"
      node=
      continue
    fi
    "$java" -jar "${BENCH_JAR:-$jar}" bench --url "tcp://127.0.0.1:$port" \
      --web-url "http://127.0.0.1:$web/" "${scope_opt[@]}" \
      --phases limited-drain --jobs "$jobs" --concurrency 20 --limit 10 --work-ms 5 \
      --server-pid "$node" 2>&1 | grep -vE "^\s*$" || echo "bench failed"
    # The gate's own counts: FETCHes that found the queue full, and slots lost to a concurrent taker.
    curl -s "http://127.0.0.1:$web/metrics" |
      grep -E "^fabrik_limit_(throttled|lost_races)_total" | tr '\n' ' ' && echo || true
    kill "$node" 2>/dev/null || true
    wait "$node" 2>/dev/null || true
    node=
  done
done
