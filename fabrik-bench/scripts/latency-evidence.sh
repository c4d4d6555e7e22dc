#!/usr/bin/env bash
# Where the push-to-fetch tail comes from: runs a server (-Xmx640m) with GC and safepoint logs and a
# JFR recording (monitor waits from 1 ms), warms it up, then RUNS latency phases whose every sample
# is traced (`fabrik bench --latency-trace`), the bench client logging its own GC too. Then it
# matches the slow samples to what happened meanwhile:
#
#   run 1: p50 0.21 p99 1.62 max 11.7 ms; samples > 2 ms: 168 (> 5 ms: 43)
#     overlapping a server GC/safepoint pause: 1 (0); a client GC pause: 0 (0);
#     an event loop blocked on a monitor: 3 (0)
#   server: 4 GC pauses (longest 2.9 ms); event loops blocked on monitors 32 times, 93 ms in all
#
# A sample overlaps an event when the event's interval intersects [pushed, fetched]. What overlaps
# nothing was spent elsewhere: waiting for a CPU (the 2 cores are shared with the bench client and
# whatever else runs), or in the kernel. Files stay in OUT (default a temp dir) for `jfr print`.
#
# usage: fabrik-bench/scripts/latency-evidence.sh [SERVER_JAR [RUNS [server options...]]]
#   env: CLIENT_JAR (default this checkout's fabrik-cli/target/fabrik.jar), OUT, NICE (e.g. -10:
#        run server and bench at that nice level, to see past other work on a shared machine)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
server_jar=${1:-$root/fabrik-cli/target/fabrik.jar}
runs=${2:-3}
shift $(($# >= 2 ? 2 : $#))
client_jar=${CLIENT_JAR:-$root/fabrik-cli/target/fabrik.jar}
out=${OUT:-$(mktemp -d /tmp/fabrik-latency-XXXX)}
mkdir -p "$out"
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java=(nice -n "${NICE:-0}" "$JAVA_HOME/bin/java")
server=""

cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$out/db"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
"${java[@]}" -Xmx640m -Xlog:gc,safepoint:file="$out/server-jvm.log":utctime \
  -XX:StartFlightRecording=filename="$out/server.jfr",settings=profile,dumponexit=true,jdk.JavaMonitorEnter#threshold=1ms \
  -jar "$server_jar" server --bind "127.0.0.1:$port" --no-web --data-dir "$out/db" "$@" \
  >"$out/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

url="tcp://127.0.0.1:$port"
"${java[@]}" -jar "$client_jar" bench --url "$url" --phases push-bulk,push,drain --jobs 100000 \
  >/dev/null 2>&1 # warm-up: JIT, heap sizing, a WAL at its working size
for r in $(seq 1 "$runs"); do
  "${java[@]}" -Xlog:gc,safepoint:file="$out/client-jvm-$r.log":utctime -jar "$client_jar" bench \
    --url "$url" --phases latency --jobs 20000 --latency-jobs 20000 \
    --latency-trace "$out/trace-$r.csv" >/dev/null 2>&1
done
kill "$server" && wait "$server" 2>/dev/null || true
server=""

"$JAVA_HOME/bin/jfr" print --json --events jdk.JavaMonitorEnter "$out/server.jfr" >"$out/monitors.json"
python3 - "$out" "$runs" <<'EOF'
import csv, datetime, json, re, sys
out, runs = sys.argv[1], int(sys.argv[2])

def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00").replace("+0000", "+00:00")).timestamp()

def pauses(path):
    """[start, end, what, ms] of GC pauses and safepoints over 0.5 ms, from -Xlog:gc,safepoint."""
    found = []
    for line in open(path):
        m = re.match(r"\[(\S+?)\].*GC\(\d+\) (Pause \S+).* ([\d.]+)ms$", line)
        if m:
            end, ms = ts(m.group(1)), float(m.group(3))
            found.append((end - ms / 1000, end, m.group(2), ms))
        m = re.match(r'\[(\S+?)\].*Safepoint "(\w+)".*Total: (\d+) ns', line)
        if m and int(m.group(3)) > 500_000:
            end, ms = ts(m.group(1)), int(m.group(3)) / 1e6
            found.append((end - ms / 1000, end, "safepoint " + m.group(2), ms))
    return found

def duration(s):
    m = re.match(r"PT(?:(\d+)M)?([\d.]+)S", s)
    return int(m.group(1) or 0) * 60 + float(m.group(2))

blocked = []
for e in json.load(open(f"{out}/monitors.json"))["recording"]["events"]:
    v = e["values"]
    if v["eventThread"]["javaName"].startswith("fabrik-loop"):
        start = ts(v["startTime"])
        blocked.append((start, start + duration(v["duration"]), v["monitorClass"]["name"], 0))

server = [p for p in pauses(f"{out}/server-jvm.log") if p[2].startswith("Pause")] + \
    [p for p in pauses(f"{out}/server-jvm.log") if p[2].startswith("safepoint")]

def overlapping(samples, events):
    return sum(1 for t0, ms in samples if any(s <= t0 + ms / 1000 and e >= t0 for s, e, _, _ in events))

for r in range(1, runs + 1):
    rows = [(ts(a), float(b)) for a, b in list(csv.reader(open(f"{out}/trace-{r}.csv")))[1:]]
    lat = sorted(ms for _, ms in rows)
    client = pauses(f"{out}/client-jvm-{r}.log")
    over2 = [s for s in rows if s[1] > 2]
    over5 = [s for s in rows if s[1] > 5]
    print(f"run {r}: p50 {lat[len(lat) // 2]:.2f} p99 {lat[int(len(lat) * 0.99)]:.2f} max {lat[-1]:.1f} ms;"
          f" samples > 2 ms: {len(over2)} (> 5 ms: {len(over5)})")
    print(f"  overlapping a server GC/safepoint pause: {overlapping(over2, server)} ({overlapping(over5, server)});"
          f" a client GC pause: {overlapping(over2, client)} ({overlapping(over5, client)});"
          f" an event loop blocked on a monitor: {overlapping(over2, blocked)} ({overlapping(over5, blocked)})")
gcs = [p for p in server if p[2].startswith("Pause")]
print(f"server: {len(gcs)} GC pauses (longest {max([p[3] for p in gcs] or [0]):.1f} ms);"
      f" event loops blocked on monitors {len(blocked)} times,"
      f" {sum(e - s for s, e, _, _ in blocked) * 1000:.0f} ms in all"
      f" ({', '.join(sorted(set(b[2] for b in blocked))) or 'none'})")
print(f"files: {out}")
EOF
