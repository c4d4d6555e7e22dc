#!/usr/bin/env bash
# Runs `fabrik bench` the way docs/benchmarks.md measures it, several times, one line per run:
# each run gets a fresh server and data directory, one discarded warm-up run
# (--phases push-bulk,push,drain), then the measured run (every phase). It waits for a 1-minute
# load average below 1.5 before each run and prints the CPU time the hypervisor stole during the
# measured run: a run with steal above a few percent measured the neighbours, not Fabrik.
#
# usage: fabrik-bench/scripts/rounds.sh RUNS JAR [server options...]
#   e.g. fabrik-bench/scripts/rounds.sh 6 fabrik-cli/target/fabrik.jar --durability strict
# prints: push-bulk=352.1k (2.9us) push=74.0k (21.0us) drain=70.1k (18.2us) latency=1.0k p50=0.12
#         p99=1.30 max=8.9 steal=0%      (in brackets: the server's CPU time per job)
set -euo pipefail
[[ $# -ge 2 ]] || { sed -n '2,9p' "$0"; exit 2; }
runs=$1 jar=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java="$JAVA_HOME/bin/java"

cpu_times() { grep -E '^cpu ' /proc/stat; }

summary() {
  python3 -c '
import json, sys
before, after = (list(map(int, s.split()[1:])) for s in sys.argv[1:3])
delta = [b - a for a, b in zip(before, after)]
report = json.load(sys.stdin)
out = []
for p in report["phases"]:
    s = "%s=%.1fk" % (p["name"], p["jobs_per_sec"] / 1000)
    if "server_cpu_us_per_job" in p:
        s += " (%.1fus)" % p["server_cpu_us_per_job"]
    lat = p.get("latency_ms")
    if lat:
        s += " p50=%.2f p99=%.2f max=%.1f" % (lat["p50"], lat["p99"], lat["max"])
    if p["errors"]:
        s += " errors=%d" % p["errors"]
    out.append(s)
out.append("steal=%.0f%%" % (100 * delta[7] / max(1, sum(delta))))
print(" ".join(out))' "$1" "$2"
}

for _ in $(seq 1 "$runs"); do
  until awk '{ exit !($1 < 1.5) }' /proc/loadavg; do sleep 5; done
  data=$(mktemp -d /tmp/fabrik-rounds-XXXX)
  port=$((20000 + RANDOM % 20000))
  "$java" -Xmx640m -jar "$jar" server --bind "127.0.0.1:$port" --no-web --data-dir "$data" "$@" \
    >"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  bench=("$java" -jar "$jar" bench --url "tcp://127.0.0.1:$port" --jobs 100000 --concurrency 50
    --server-pid "$server")
  "${bench[@]}" --phases push-bulk,push,drain >/dev/null 2>"$data/warm-up.log"
  before=$(cpu_times)
  report=$("${bench[@]}" --json 2>"$data/bench.log")
  after=$(cpu_times)
  summary "$before" "$after" <<<"$report"
  kill "$server"
  wait "$server" || true
  rm -rf "$data"
done
