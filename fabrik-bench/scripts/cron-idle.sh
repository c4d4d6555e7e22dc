#!/usr/bin/env bash
# Idle CPU of a server holding N cron entries that do not fire during the window, against the same
# server with none, interleaved: `fabrik-bench/scripts/cron-idle.sh [entries=10000] [seconds=60] [rounds=2]`.
# Reads utime+stime of the server process from /proc/<pid>/stat before and after the window
# (CPU time, so other load on the machine does not inflate it). Needs fabrik-cli/target/fabrik.jar.
set -euo pipefail
cd "$(dirname "$0")/../.."
source dev/java-home
entries=${1:-10000}
seconds=${2:-60}
rounds=${3:-2}
settle=${4:-30}
jar=fabrik-cli/target/fabrik.jar
hz=$(getconf CLK_TCK)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_config() { # $1 = folder, $2 = number of entries
  mkdir -p "$1/conf.d"
  : >"$1/conf.d/10-cron.toml"
  for ((i = 0; i < $2; i++)); do
    # @every 1h ticks at the top of each hour (checked below): none falls in the window
    printf '[[cron]]\nname = "e%d"\nschedule = "@every 1h"\n[cron.job]\ntype = "Idle%d"\n' "$i" "$i" \
      >>"$1/conf.d/10-cron.toml"
  done
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

measure() { # $1 = entries
  local dir="$work/run-$1-$RANDOM" port log pid before after
  make_config "$dir/config" "$1"
  port=$((20000 + RANDOM % 20000))
  log="$dir/server.log"
  java -Xmx512m -jar "$jar" server --bind "127.0.0.1:$port" --no-web --data-dir "$dir/data" \
    --config-dir "$dir/config" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q "cron: .* entries from conf.d" "$log" && break
    sleep 0.1
  done
  grep -q "cron: $1 entries from conf.d" "$log" || { echo "server did not load $1 entries" >&2; cat "$log" >&2; kill "$pid"; exit 1; }
  sleep "$settle" # let start-up work (JIT of parsing, GC, the first writes) settle
  before=$(cpu_ticks "$pid")
  sleep "$seconds"
  after=$(cpu_ticks "$pid")
  kill "$pid"
  wait "$pid" || true
  awk -v d=$((after - before)) -v hz="$hz" -v s="$seconds" -v n="$1" \
    'BEGIN { printf "entries=%d cpu_seconds=%.2f over %ds = %.2f%% of one core\n", n, d / hz, s, 100 * d / hz / s }'
}

# @every 1h ticks at the top of each hour: keep the window clear of it
minute=$(date -u +%M)
if ((10#$minute >= 50)); then
  echo "too close to the top of the hour (the entries' tick); run again after :00" >&2
  exit 1
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
  measure 0
  measure "$entries"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
