#!/usr/bin/env bash
# PUSHB of two builds on a warm node, interleaved A, B, A, B, ...: per run one fresh node (SQLite in
# a fresh folder, or PostgreSQL on a fresh schema of one default-durability cluster started here),
# `fabrik bench --phases push-bulk --server-pid` "cold" (the node's first PUSHBs, JIT compiling
# as it goes), then "warm" after 4 x JOBS untimed jobs (`--warmup-jobs`, or untimed runs for a jar
# without it); the last column is the node's
# CPU per job (µs), less distorted by a loaded machine than the rate. Prints each run's time, jar and load average; stops everything it started
# and removes its folder at the end, also on Ctrl-C.
#
# usage: fabrik-bench/scripts/pushb-pairs.sh sqlite|postgres JAR_A JAR_B [PAIRS] [JOBS]
#        (defaults 2 pairs, 100000 jobs per phase)
# env:   PHASE (default push-bulk; push measures single PUSH on 50 connections the same way),
#        WARMUP (untimed jobs before the warm run, default 4 x JOBS)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
store=$1
jar_a=$2
jar_b=$3
pairs=${4:-2}
jobs=${5:-100000}
phase=${PHASE:-push-bulk}
warmup=${WARMUP:-$((4 * jobs))}
# shellcheck source=pg-throwaway.sh
source "$root/fabrik-bench/scripts/pg-throwaway.sh" pushbpairs

case $store in
  sqlite) ;;
  postgres) url=$("$root/dev/postgres" start "$work/pg") ;; # no --fast: PostgreSQL's defaults
  *) echo "pushb-pairs: store must be sqlite or postgres" >&2; exit 2 ;;
esac
run=0
for _ in $(seq 1 "$pairs"); do
  for jar in "$jar_a" "$jar_b"; do
    run=$((run + 1))
    port=$(free_port)
    if [[ $store == sqlite ]]; then
      storage=(--data-dir "$work/data$run")
    else
      storage=(--storage postgres --database-url "$url" --schema "run$run" --database-pool-size 10)
    fi
    "$java" -Xmx1g -jar "$jar" server "${storage[@]}" --bind "127.0.0.1:$port" --no-web \
      >"$work/node$run.log" 2>&1 &
    node=$!
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.3 # polling for the node's port: nothing to await in a shell
    done
    bench=("$java" -jar "$jar" bench --url "tcp://127.0.0.1:$port" --jobs "$jobs" --phases "$phase")
    echo "run $run $(date -u +%H:%M:%S) $jar load $(cut -d' ' -f1 /proc/loadavg)"
    echo -n "cold "
    "${bench[@]}" --server-pid "$node" 2>&1 | grep -E "^$phase " || echo "bench $phase failed"
    # WARMUP jobs untimed first, until the JIT is done (it took 40-60 % of the node's CPU of the
    # run after a single run's worth): `bench --warmup-jobs` where the jar has it, else runs of
    # their own.
    warm=()
    if "$java" -jar "$jar" bench --help 2>&1 | grep -q -- --warmup-jobs; then
      warm=(--warmup-jobs "$warmup")
    else
      for _ in $(seq 1 $(((warmup + jobs - 1) / jobs))); do
        "${bench[@]}" >/dev/null 2>&1 || echo "warm-up $phase failed"
      done
    fi
    echo -n "warm "
    "${bench[@]}" "${warm[@]}" --server-pid "$node" 2>&1 | grep -E "^$phase " || echo "bench $phase failed"
    kill "$node" && wait "$node" 2>/dev/null || true
    node=
    rm -rf "$work/data$run"
  done
done
