#!/usr/bin/env bash
# Runs `fabrik bench` the way docs/benchmarks.md measures it until RUNS runs were clean, one line
# per run, then the medians of the clean runs. Each run gets a fresh server and data directory, one
# discarded warm-up run (--phases push-bulk,push,drain), then the measured run (every phase). A run
# starts once the 1-minute load average is below 1.5 and the hypervisor stole at most 2 % of an idle
# 5 s; it is clean when at most 1 % was stolen while it ran: a run with more measured the
# neighbours, not Fabrik. At most 3 x RUNS runs are made.
#
# usage: fabrik-bench/scripts/rounds.sh RUNS JAR [server options...]
#   e.g. fabrik-bench/scripts/rounds.sh 6 fabrik-cli/target/fabrik.jar --durability strict
# prints: push-bulk=352.1k (2.9us) push=74.0k (21.0us) drain=70.1k (18.2us) latency=1.0k p50=0.12
#         p99=1.30 max=8.9 steal=0%      (in brackets: the server's CPU time per job)
#         ...
#         median of 6 clean runs: push-bulk=... (range) push=... drain=... p50=... p99=... max=...
set -euo pipefail
[[ $# -ge 2 ]] || { sed -n '2,14p' "$0"; exit 2; }
runs=$1 jar=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java="$JAVA_HOME/bin/java"
reports=$(mktemp -d /tmp/fabrik-rounds-reports-XXXX)
server="" data=""

cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  [[ -z "$data" ]] || rm -rf "$data"
  rm -rf "$reports"
}
trap cleanup EXIT

cpu_times() { grep -E '^cpu ' /proc/stat; }

# Percent of the CPU time between two `cpu_times` lines that the hypervisor stole.
steal_between() {
  python3 -c '
import sys
before, after = (list(map(int, s.split()[1:])) for s in sys.argv[1:3])
delta = [b - a for a, b in zip(before, after)]
print(round(100 * delta[7] / max(1, sum(delta)), 1))' "$1" "$2"
}

# Waits (up to 10 min) for a quiet machine: load average below 1.5, then an idle 5 s with <= 2 % steal.
await_quiet() {
  local deadline=$((SECONDS + 600)) before
  while ((SECONDS < deadline)); do
    if awk '{ exit !($1 < 1.5) }' /proc/loadavg; then
      before=$(cpu_times)
      sleep 5
      if awk -v s="$(steal_between "$before" "$(cpu_times)")" 'BEGIN { exit !(s <= 2) }'; then
        return 0
      fi
    else
      sleep 5
    fi
  done
}

summary() {
  python3 -c '
import json, sys
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
out.append("steal=%s%%" % sys.argv[1])
print(" ".join(out))' "$1"
}

medians() {
  python3 -c '
import glob, json, statistics, sys
reports = [json.load(open(f)) for f in sorted(glob.glob(sys.argv[1] + "/*.json"))]
if not reports:
    print("no clean run"); sys.exit()
out = []
def fmt(values, unit, scale):
    return "%.*f%s (%.*f-%.*f)" % (unit, statistics.median(values) / scale, "k" if scale == 1000 else "",
        unit, min(values) / scale, unit, max(values) / scale)
for name in [p["name"] for p in reports[0]["phases"]]:
    phases = [next(p for p in r["phases"] if p["name"] == name) for r in reports]
    if name == "latency":
        for key, unit in (("p50", 2), ("p99", 2), ("max", 1)):
            out.append("%s=%s" % (key, fmt([p["latency_ms"][key] for p in phases], unit, 1)))
    else:
        out.append("%s=%s" % (name, fmt([p["jobs_per_sec"] for p in phases], 1, 1000)))
print("median of %d clean runs: %s" % (len(reports), " ".join(out)))' "$reports"
}

clean=0
for attempt in $(seq 1 $((3 * runs))); do
  ((clean < runs)) || break
  await_quiet
  data=$(mktemp -d /tmp/fabrik-rounds-XXXX)
  port=$((20000 + RANDOM % 20000))
  "$java" -Xmx640m -jar "$jar" server --bind "127.0.0.1:$port" --no-web --data-dir "$data" "$@" \
    >"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  bench=("$java" -jar "$jar" bench --url "tcp://127.0.0.1:$port" --jobs 100000 --concurrency 50
    --server-pid "$server")
  if "${bench[@]}" --phases push-bulk,push,drain >/dev/null 2>"$data/warm-up.log" &&
    before=$(cpu_times) && report=$("${bench[@]}" --json 2>"$data/bench.log"); then
    steal=$(steal_between "$before" "$(cpu_times)")
    if awk -v s="$steal" 'BEGIN { exit !(s <= 1) }'; then
      clean=$((clean + 1))
      echo "$report" >"$reports/$attempt.json"
      summary "$steal" <<<"$report"
    else
      echo "$(summary "$steal" <<<"$report")   (left out: stolen)"
    fi
  else
    log="$data/bench.log"
    [[ -s "$log" ]] || log="$data/warm-up.log"
    echo "run $attempt failed: $(grep . "$log" | tail -n 1)"
  fi
  kill "$server" 2>/dev/null || true
  wait "$server" || true
  server=""
  rm -rf "$data"
  data=""
done
medians
