#!/usr/bin/env bash
# Compares two server builds in alternating pairs (A, B, A, B, ...), each run on a fresh server and
# data directory after one discarded warm-up run, and prints each run's throughput and server CPU
# per job, then the medians of each build and the ratio B/A. Unlike rounds.sh it does not wait for a
# quiet machine: it is meant for a shared, loaded machine, where only an interleaved comparison of
# CPU time per job means anything. The 1-minute load average is printed with each run.
#
# usage: [JOBS=100000] fabrik-bench/scripts/ab-cpu.sh PAIRS A.jar B.jar [bench options...]
#   e.g. fabrik-bench/scripts/ab-cpu.sh 6 /tmp/old.jar fabrik-cli/target/fabrik.jar --phases push,drain
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n '2,9p' "$0"; exit 2; }
pairs=$1 a=$2 b=$3
shift 3
options=("$@")
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java="$JAVA_HOME/bin/java"
out=$(mktemp -d /tmp/fabrik-ab-XXXX)
server="" data=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  [[ -z "$data" ]] || rm -rf "$data"
  rm -rf "$out"
}
trap cleanup EXIT

run() { # label jar
  data=$(mktemp -d /tmp/fabrik-ab-data-XXXX)
  local port=$((20000 + RANDOM % 20000))
  "$java" -Xmx640m -jar "$2" server --bind "127.0.0.1:$port" --no-web --data-dir "$data" \
    >"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  local bench=("$java" -jar "$2" bench --url "tcp://127.0.0.1:$port" --jobs "${JOBS:-100000}"
    --concurrency 50 --server-pid "$server")
  "${bench[@]}" --phases push-bulk,push,drain >/dev/null 2>&1
  "${bench[@]}" "${options[@]}" --json >"$out/$1-$RANDOM.json" 2>/dev/null
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
  rm -rf "$data"
  data=""
}

for i in $(seq 1 "$pairs"); do
  for side in A B; do
    jar=$a
    [[ $side == B ]] && jar=$b
    run "$side" "$jar"
    f=$(ls -t "$out"/$side-*.json | head -n 1)
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(sys.argv[2], sys.argv[3], " ".join("%s=%.1fk/%.2fus" % (p["name"], p["jobs_per_sec"] / 1000,
      p.get("server_cpu_us_per_job", float("nan"))) for p in r["phases"]),
      "load=" + open("/proc/loadavg").read().split()[0])' "$f" "$i" "$side"
  done
done
python3 -c '
import glob, json, statistics, sys
d = sys.argv[1]
def phases(side):
    out = {}
    for f in glob.glob(d + "/" + side + "-*.json"):
        for p in json.load(open(f))["phases"]:
            out.setdefault(p["name"], []).append(p)
    return out
A, B = phases("A"), phases("B")
for name in A:
    ca = statistics.median(p["server_cpu_us_per_job"] for p in A[name])
    cb = statistics.median(p["server_cpu_us_per_job"] for p in B[name])
    ta = statistics.median(p["jobs_per_sec"] for p in A[name])
    tb = statistics.median(p["jobs_per_sec"] for p in B[name])
    print("%-10s CPU/job A %.2f us, B %.2f us, B/A %.3f; jobs/s A %.1fk, B %.1fk, B/A %.3f (%d runs each)"
          % (name, ca, cb, cb / ca, ta / 1000, tb / 1000, tb / ta, len(A[name])))' "$out"
