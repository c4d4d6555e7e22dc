#!/usr/bin/env bash
# A soak: one server (-Xmx640m, as dev/start runs it) on a fresh data directory under a steady
# load for MINUTES, sampled every window. The load is `fabrik bench --phases latency` run back to
# back: one producer PUSHes RATE jobs/s while 50 connections wait in FETCH and ACK each job, so
# every job is pushed, fetched and acked (the queue stays near empty, the WAL keeps turning over).
# Each window is one such bench run of WINDOW seconds; after it the script samples the server:
#
#   time,elapsed_s,rss_mb,hwm_mb,threads,fds,wal_mb,db_mb,jobs_per_s,p50_ms,p99_ms,max_ms
#
# (RSS and threads from /proc/PID/status, descriptors from /proc/PID/fd, the SQLite files' sizes,
# the window's push-to-fetch percentiles). A summary follows: RSS and descriptors first vs last
# and at most, the WAL at most, the windows' p99 median and worst, the worst max. A leak shows as
# RSS, threads or descriptors climbing window after window; a stall as a window's max.
#
# usage: fabrik-bench/scripts/soak.sh [MINUTES [SERVER_JAR [server options...]]]
#   env: RATE (default 1000 jobs/s), WINDOW (default 10 s), CLIENT_JAR, OUT (CSV file to keep)
#   e.g. fabrik-bench/scripts/soak.sh 30 fabrik-cli/target/fabrik.jar --durability strict
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
minutes=${1:-30}
server_jar=${2:-$root/fabrik-cli/target/fabrik.jar}
shift $(($# >= 2 ? 2 : $#))
client_jar=${CLIENT_JAR:-$root/fabrik-cli/target/fabrik.jar}
rate=${RATE:-1000} window=${WINDOW:-10}
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java="$JAVA_HOME/bin/java"
data=$(mktemp -d /tmp/fabrik-soak-XXXX)
csv=${OUT:-$data/soak.csv}
server=""

cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  [[ -n "${OUT:-}" ]] || rm -rf "$data"
  [[ -z "${OUT:-}" ]] || rm -rf "$data/db"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
"$java" -Xmx640m -jar "$server_jar" server --bind "127.0.0.1:$port" --no-web --data-dir "$data/db" \
  "$@" >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
status_kb() { awk -v k="$1:" '$1 == k { print $2 * 1024 }' "/proc/$server/status"; }
file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

echo "time,elapsed_s,rss_mb,hwm_mb,threads,fds,wal_mb,db_mb,jobs_per_s,p50_ms,p99_ms,max_ms" | tee "$csv"
start=$SECONDS
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
while ((SECONDS - start < seconds)); do
  latency=$("$java" -jar "$client_jar" bench --url "tcp://127.0.0.1:$port" --phases latency \
    --latency-rate "$rate" --latency-jobs $((rate * window)) --json 2>/dev/null |
    python3 -c '
import json, sys
p = json.load(sys.stdin)["phases"][0]
l = p.get("latency_ms") or {"p50": 0, "p99": 0, "max": 0}
rate = p["jobs"] / p["seconds"] if p["seconds"] else 0
print("%.0f,%.2f,%.2f,%.1f%s" % (rate, l["p50"], l["p99"], l["max"], ",ERRORS" if p["errors"] else ""))') ||
    latency="0,0,0,0,ERRORS"
  kill -0 "$server" 2>/dev/null || { echo "soak: the server died; see $data/server.log" >&2; exit 1; }
  printf '%s,%d,%s,%s,%s,%s,%s,%s,%s\n' "$(date -u +%H:%M:%S)" $((SECONDS - start)) \
    "$(mb "$(status_kb VmRSS)")" "$(mb "$(status_kb VmHWM)")" \
    "$(awk '$1 == "Threads:" { print $2 }' "/proc/$server/status")" \
    "$(find "/proc/$server/fd" -mindepth 1 -maxdepth 1 | wc -l)" \
    "$(mb "$(file_size "$data/db/fabrik.db-wal")")" "$(mb "$(file_size "$data/db/fabrik.db")")" \
    "$latency" | tee -a "$csv"
done

python3 - "$csv" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
f = lambda k: [float(r[k]) for r in rows]
bad = sum(1 for r in rows if None in r or r.get(None))
print(f"soak: {len(rows)} windows over {rows[-1]['elapsed_s']} s; windows with errors: {bad}")
print(f"  RSS first {rows[0]['rss_mb']} MB, last {rows[-1]['rss_mb']} MB, most {max(f('rss_mb'))} MB"
      f" (HWM {rows[-1]['hwm_mb']} MB); threads {min(f('threads')):.0f}-{max(f('threads')):.0f}")
print(f"  descriptors first {rows[0]['fds']}, last {rows[-1]['fds']}, most {max(f('fds')):.0f};"
      f" WAL at most {max(f('wal_mb'))} MB; database last {rows[-1]['db_mb']} MB")
print(f"  jobs/s median {statistics.median(f('jobs_per_s')):.0f}; p50 median"
      f" {statistics.median(f('p50_ms')):.2f} ms; p99 median {statistics.median(f('p99_ms')):.2f} ms,"
      f" worst {max(f('p99_ms')):.2f} ms; max median {statistics.median(f('max_ms')):.1f} ms,"
      f" worst {max(f('max_ms')):.1f} ms")
EOF
