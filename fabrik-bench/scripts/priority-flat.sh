#!/usr/bin/env bash
# FETCH round trips from a 20k-job queue and a 1M-job queue of the same server, alternated three
# times, warm and then again after a restart (payloads on disk): the FETCH cost should not depend on
# the backlog. With "mixed", every job carries a random priority 1..9 (fill.py).
#
# usage: fabrik-bench/scripts/priority-flat.sh JAR mixed|plain
set -u
[[ $# -eq 2 ]] || { sed -n '2,6p' "$0"; exit 2; }
jar=$1 mode=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
scripts=$root/fabrik-bench/scripts
data=$(mktemp -d /tmp/fabrik-flat-XXXX)
port=$((20000 + RANDOM % 20000))
server=""
trap '[[ -z "$server" ]] || kill "$server" 2>/dev/null; rm -rf "$data"' EXIT

start() {
  "$JAVA_HOME/bin/java" -Xmx640m -jar "$jar" server --bind "127.0.0.1:$port" --no-web \
    --data-dir "$data" >>"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
}

rounds() { # label
  for _ in 1 2 3; do
    echo "$1 20k: $(python3 "$scripts/rtt.py" "$port" small 2000) load=$(cut -d' ' -f1 /proc/loadavg)"
    echo "$1 1M:  $(python3 "$scripts/rtt.py" "$port" big 2000) load=$(cut -d' ' -f1 /proc/loadavg)"
  done
}

start
python3 "$scripts/fill.py" "$port" 20000 small "$mode"
python3 "$scripts/fill.py" "$port" 1000000 big "$mode"
rounds warm
kill "$server"
wait "$server"
t0=$(date +%s.%N)
start
echo "restart with ~1M queued, until the port answers: $(python3 -c "print('%.1f s' % ($(date +%s.%N) - $t0))")"
rounds cold
grep VmHWM "/proc/$server/status"
