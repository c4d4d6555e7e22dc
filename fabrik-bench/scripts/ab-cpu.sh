#!/usr/bin/env bash
# Server CPU per job of two builds, interleaved: each round runs build A and build B (the order
# alternates by round), each on a fresh server and data directory, with one discarded warm-up run
# and then `fabrik bench --phases push,drain --server-pid` (100k jobs, 50 connections). Prints one
# line per run with the 1-minute load average and the steal while it ran, then the medians of
# `srv us/job` per build and of the paired B/A ratios. Unlike rounds.sh it does not wait for a
# quiet machine: it measures what there is and says how loaded it was.
#
# usage: fabrik-bench/scripts/ab-cpu.sh ROUNDS A.jar B.jar
set -uo pipefail
[[ $# -eq 3 ]] || { sed -n '2,9p' "$0"; exit 2; }
rounds=$1 jar_a=$2 jar_b=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java="$JAVA_HOME/bin/java"
log=$(mktemp /tmp/fabrik-ab-XXXX.log)
port=27519
server="" data=""
cleanup() {
  [[ -z "$server" ]] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }
  [[ -z "$data" ]] || rm -rf "$data"
}
trap cleanup EXIT

for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order="A B"; else order="B A"; fi
  for build in $order; do
    jar=$jar_a
    [[ $build == B ]] && jar=$jar_b
    data=$(mktemp -d /tmp/fabrik-ab-data-XXXX)
    "$java" -Xmx640m -jar "$jar" server --bind 127.0.0.1:$port --no-web --data-dir "$data" \
      >"$data/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
    "$java" -jar "$jar_b" bench --url tcp://127.0.0.1:$port --jobs 100000 --phases push,drain \
      >/dev/null 2>&1
    before=$(grep -E '^cpu ' /proc/stat)
    load=$(cut -d' ' -f1 /proc/loadavg)
    report=$("$java" -jar "$jar_b" bench --url tcp://127.0.0.1:$port --jobs 100000 \
      --phases push,drain --server-pid "$server" 2>&1 | tr '\n' ' ')
    steal=$(python3 -c '
import sys
b, a = (list(map(int, s.split()[1:])) for s in sys.argv[1:3])
d = [y - x for x, y in zip(b, a)]
print(round(100 * d[7] / max(1, sum(d)), 1))' "$before" "$(grep -E '^cpu ' /proc/stat)")
    echo "round=$r build=$build load=$load steal=$steal :: $report" >>"$log"
    echo "round=$r build=$build load=$load steal=$steal"
    kill "$server"
    wait "$server" 2>/dev/null
    server=""
    rm -rf "$data"
    data=""
    port=$((port + 1))
  done
done

python3 - "$log" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    head = re.match(r"round=(\d+) build=(\w)", line)
    push = re.search(r"\bpush\s+\d+\s+[\d.]+\s+(\d+)\s.*?([\d.]+)\s+drain\b", line)
    drain = re.search(r"\bdrain\s+\d+\s+[\d.]+\s+(\d+)\s.*?([\d.]+)\s+server memory", line)
    if head and push and drain:
        runs[(int(head[1]), head[2])] = (int(push[1]), float(push[2]), int(drain[1]), float(drain[2]))
for build in "AB":
    rs = [v for (r, b), v in runs.items() if b == build]
    if rs:
        print(f"{build}: n={len(rs)} push {statistics.median(v[1] for v in rs):.1f} us/job "
              f"({statistics.median(v[0] for v in rs):.0f}/s), drain "
              f"{statistics.median(v[3] for v in rs):.1f} us/job ({statistics.median(v[2] for v in rs):.0f}/s)")
pairs = [(runs[(r, "B")], runs[(r, "A")]) for (r, b) in runs if b == "A" and (r, "B") in runs]
if pairs:
    for i, name in ((1, "push"), (3, "drain")):
        ratios = sorted(round(b[i] / a[i], 2) for b, a in pairs)
        print(f"B/A server CPU per job, {name}: median {statistics.median(ratios):.3f} {ratios}")
PY
echo "raw reports: $log"
