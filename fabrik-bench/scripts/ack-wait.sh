#!/usr/bin/env bash
# The worst wait of an ACK behind a PUSHB flood: starts a fresh server from SERVER_JAR, then runs
# `fabrik bench --phases ack-wait` ROUNDS times against it (C connections push JOBS jobs in PUSHBs
# of 1000 while one probe loops PUSH, FETCH, ACK and times ACK sent -> +OK). One line per round.
# The bench itself comes from CLIENT_JAR (default: this checkout's fabrik-cli/target/fabrik.jar),
# so an older server jar without the ack-wait phase can be measured too.
#
# usage: fabrik-bench/scripts/ack-wait.sh SERVER_JAR [ROUNDS] [server options...]
#   env: JOBS (default 1000000), CONCURRENCY (default 50), CLIENT_JAR
#   e.g. fabrik-bench/scripts/ack-wait.sh /tmp/fabrik-main.jar 3 --durability strict
# prints: ack-wait acks=812 p50=2.10 p99=31.50 max=48.2 ms flood=310.5k jobs/s errors=0
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,12p' "$0"; exit 2; }
server_jar=$1 rounds=${2:-3}
shift $(($# >= 2 ? 2 : 1))
root=$(cd "$(dirname "$0")/../.." && pwd)
client_jar=${CLIENT_JAR:-$root/fabrik-cli/target/fabrik.jar}
jobs=${JOBS:-1000000} concurrency=${CONCURRENCY:-50}
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java="$JAVA_HOME/bin/java"
data=$(mktemp -d /tmp/fabrik-ack-wait-XXXX)
server=""

cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
"$java" -Xmx640m -jar "$server_jar" server --bind "127.0.0.1:$port" --no-web --data-dir "$data" "$@" \
  >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

for round in $(seq 1 "$rounds"); do
  "$java" -jar "$client_jar" bench --url "tcp://127.0.0.1:$port" --jobs "$jobs" \
    --concurrency "$concurrency" --phases ack-wait --json 2>/dev/null |
    python3 -c '
import json, sys
p = json.load(sys.stdin)["phases"][0]
l = p.get("latency_ms") or {"p50": 0, "p99": 0, "max": 0}
flood = int(sys.argv[1]) / p["seconds"] / 1000 if p["seconds"] else 0
print("round %s: ack-wait acks=%d p50=%.2f p99=%.2f max=%.1f ms flood=%.1fk jobs/s errors=%d%s" % (
    sys.argv[2], p["jobs"], l["p50"], l["p99"], l["max"], flood, p["errors"],
    " (" + p["first_error"] + ")" if p.get("first_error") else ""))' "$jobs" "$round"
done
