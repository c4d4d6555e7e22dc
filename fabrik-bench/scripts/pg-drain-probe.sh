#!/usr/bin/env bash
# Looks inside PostgreSQL and the node while one node drains (FETCH+ACK on 50 connections): where
# the time of a drain goes. A throwaway default-durability cluster (dev/postgres without --fast)
# with pg_stat_statements (track_planning on) and WAL timing; one node; `fabrik bench` push-bulk,
# then the drain phase while this script samples pg_stat_activity every 0.2 s. Prints:
#   - the drain's rate and the load average before and after it;
#   - CPU seconds spent during the drain by PostgreSQL (postmaster and all its backends) and by
#     the node's JVM (from /proc: CPU time is less distorted by a loaded machine than wall time);
#   - the wait events of the node's backends, counted over all samples ("Client:ClientRead idle"
#     = the backend waits for the node; "Lock:..." = row or tuple lock waits);
#   - the bench client's CPU seconds for the drain phase (its whole JVM, start-up included);
#   - per drained job: statements, commits, WAL records and WAL bytes;
#   - pg_stat_wal (flushes) and the top statements: calls, plans, mean plan and execution ms,
#     total ms, shared buffers hit per call, rows per call.
# Stops the node and the cluster and removes its folder at the end, also on Ctrl-C.
#
# usage: fabrik-bench/scripts/pg-drain-probe.sh [JAR] [JOBS] [POOL]   (defaults: the built CLI, 30000, 10)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
jar=${1:-$root/fabrik-cli/target/fabrik.jar}
jobs=${2:-30000}
pool=${3:-10}
[[ -f "$jar" ]] || { echo "pg-drain-probe: $jar is missing" >&2; exit 2; }
# shellcheck source=pg-throwaway.sh
source "$root/fabrik-bench/scripts/pg-throwaway.sh" drainprobe

# pg_stat_statements must be preloaded: start once (initdb), configure, restart.
"$root/dev/postgres" start "$work/pg" >/dev/null
cat >>"$work/pg/postgresql.conf" <<'CONF'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track_planning = on
track_wal_io_timing = on
CONF
"$root/dev/postgres" stop "$work/pg"
url=$("$root/dev/postgres" start "$work/pg")
pgport=$(cat "$work/pg/fabrik.port")
psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n 1)
sql() { "$psql" -h 127.0.0.1 -p "$pgport" -U fabrik -d fabrik -Atq "$@"; }
sql -c "CREATE EXTENSION pg_stat_statements"

port=$(free_port)
"$java" -Xmx1g -jar "$jar" server --storage postgres --database-url "$url" --schema probe \
  --database-pool-size "$pool" --bind "127.0.0.1:$port" --no-web >"$work/node.log" 2>&1 &
node=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.3 # polling for the node's port: nothing to await in a shell
done
bench() { "$java" -jar "$jar" bench --url "tcp://127.0.0.1:$port" --concurrency 50 --jobs "$jobs" --phases "$1" 2>&1 | grep -E "^$1 " || echo "bench $1 failed"; }

bench push-bulk
sql -c "SELECT pg_stat_statements_reset()" -c "SELECT pg_stat_reset_shared('wal')" >/dev/null
postmaster=$(head -n 1 "$work/pg/postmaster.pid")
pg0=$(cpu tree "$postmaster")
node0=$(cpu one "$node")
echo "drain start: load $(cut -d' ' -f1-3 /proc/loadavg)"
xact0=$(sql -c "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
( /usr/bin/time -f "bench client CPU s: %U user, %S system" "$java" -jar "$jar" bench \
    --url "tcp://127.0.0.1:$port" --concurrency 50 --jobs "$jobs" --phases drain 2>&1 |
    grep -E "^(drain |bench client)" ) >"$work/drain.out" 2>&1 &
drain=$!
while kill -0 "$drain" 2>/dev/null; do
  sql -c "SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') || ' ' || state
            FROM pg_stat_activity WHERE application_name = 'fabrik' AND pid <> pg_backend_pid()" \
    >>"$work/waits.txt"
  sleep 0.2 # the sampling period
done
wait "$drain" || true
cat "$work/drain.out"
echo "drain end: load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "import sys; a = [float(x) for x in sys.argv[1:]]; print(f'CPU s during the drain: PostgreSQL {a[0] - a[1]:.2f}, node {a[2] - a[3]:.2f}')" \
  "$(cpu tree "$postmaster")" "$pg0" "$(cpu one "$node")" "$node0"
echo "== wait events of the node's backends (all samples)"
sort "$work/waits.txt" | uniq -c | sort -rn | head -n 12
echo "== per drained job: statements | commits | WAL records | WAL bytes"
sql -F ' | ' -c "SELECT round((SELECT sum(calls) FROM pg_stat_statements) / $jobs.0, 3),
                        round(((SELECT xact_commit FROM pg_stat_database
                                WHERE datname = current_database()) - $xact0) / $jobs.0, 3),
                        round(wal_records / $jobs.0, 2), round(wal_bytes / $jobs.0) FROM pg_stat_wal"
echo "== WAL: records | flushes | flush ms"
sql -c "SELECT wal_records, wal_sync, round(wal_sync_time::numeric) FROM pg_stat_wal"
echo "== statements: calls | plans | plan ms | exec ms | total ms | buffers hit per call | rows per call | query"
sql -F ' | ' -c "SELECT calls, plans, round(mean_plan_time::numeric, 3), round(mean_exec_time::numeric, 3),
                        round(total_exec_time + total_plan_time),
                        shared_blks_hit / greatest(calls, 1), rows / greatest(calls, 1),
                        left(regexp_replace(query, '\s+', ' ', 'g'), 90)
                   FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 12"
