#!/usr/bin/env bash
# Does FETCH+ACK on PostgreSQL cost the same whatever the queue's depth? On a throwaway cluster with
# PostgreSQL's default durability (dev/postgres, no --fast), in the schema a server node migrated,
# a queue "deep" is filled in SQL to each DEPTH in turn (1k, 100k, 1M, 10M by default), vacuumed,
# and then pgbench runs the store's own statements for SECONDS on 8 connections, each transaction
#   push 10 jobs (the INSERT of a PUSHB; its trigger counts them and sends the NOTIFY),
#   FETCH 10 (the claiming UPDATE of a FETCH group: oldest 10 free jobs, FOR UPDATE SKIP LOCKED),
#   ACK 10  (DELETE of this client's reservations),
# so the depth stays where it was filled. Prints pgbench's transactions/s and each statement's
# average latency per depth; stops what it started and removes its folder, also on Ctrl-C.
#
# usage: fabrik-bench/scripts/pg-fetch-depth.sh [JAR] [SECONDS] [DEPTH...]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
jar=${1:-$root/fabrik-cli/target/fabrik.jar}
seconds=${2:-20}
shift 2 || true
depths=("$@")
((${#depths[@]})) || depths=(1000 100000 1000000 10000000)
[[ -f "$jar" ]] || { echo "pg-fetch-depth: $jar is missing" >&2; exit 2; }
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null

work=$(mktemp -d /tmp/fabrik-pgdepth-XXXX)
chmod a+rx "$work"
cleanup() {
  "$root/dev/postgres" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

url=$("$root/dev/postgres" start "$work/pg")
pgport=${url##*:}
pgport=${pgport%%/*}
bin=$(dirname "$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n 1)")
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | tail -n 1)
sql() { "$bin/psql" -h 127.0.0.1 -p "$pgport" -U fabrik -d fabrik -Atq -c "$1"; }

# The schema as a node makes it: start one, wait until it listens, stop it.
port=$((20000 + RANDOM % 20000))
"$JAVA_HOME/bin/java" -Xmx512m -jar "$jar" server --storage postgres --database-url "$url" \
  --bind "127.0.0.1:$port" --no-web >"$work/node.log" 2>&1 &
node=$!
for _ in $(seq 1 300); do
  grep -q "fabrik listening on" "$work/node.log" 2>/dev/null && break
  sleep 0.1
done
kill "$node" && wait "$node" 2>/dev/null || true

# The statements are the store's (PgInserts, PgReservations, PgAcks) with their counting CTEs.
cat >"$work/cycle.sql" <<'SQL'
BEGIN;
INSERT INTO fabrik.jobs(queue, priority, jid, payload)
  SELECT 'deep', 5, md5(random()::text), convert_to('{"jobtype":"Deep","args":[1],"queue":"deep"}', 'UTF8')
  FROM generate_series(1, 10);
COMMIT;
WITH claimed AS (SELECT id FROM fabrik.jobs WHERE queue = 'deep' AND reserved_until_us IS NULL
                 ORDER BY priority DESC, id LIMIT 10 FOR UPDATE SKIP LOCKED),
     moved AS (UPDATE fabrik.jobs j SET wid = 'w:client_id', reserved_at_us = 1, reserved_until_us = 2,
                 reserved_seq = nextval('fabrik.reservation_seq') FROM claimed WHERE j.id = claimed.id
               RETURNING j.queue),
     counted AS (INSERT INTO fabrik.queue_counts AS qc (queue, shard, ready, reserved)
                 SELECT queue, pg_backend_pid(), -count(*), count(*) FROM moved GROUP BY queue
                 ON CONFLICT (queue, shard) DO UPDATE
                 SET ready = qc.ready + excluded.ready, reserved = qc.reserved + excluded.reserved),
     unsynced AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))
SELECT count(*) FROM moved CROSS JOIN unsynced;
WITH acked AS (DELETE FROM fabrik.jobs WHERE reserved_until_us IS NOT NULL AND wid = 'w:client_id'
               RETURNING queue),
     counted AS (INSERT INTO fabrik.queue_counts AS qc (queue, shard, ready, reserved)
                 SELECT queue, pg_backend_pid(), 0, -count(*) FROM acked GROUP BY queue
                 ON CONFLICT (queue, shard) DO UPDATE SET reserved = qc.reserved + excluded.reserved)
SELECT count(*) FROM acked;
SQL

echo "== machine: load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; PostgreSQL $(sql 'SHOW server_version')," \
  "fsync=$(sql 'SHOW fsync'), synchronous_commit=$(sql 'SHOW synchronous_commit'); $seconds s per depth, 8 connections"
printf '%10s %10s %12s %10s %10s %10s %8s\n' depth fill_s "jobs/s" push_ms fetch_ms ack_ms load
have=0
for depth in "${depths[@]}"; do
  start=$SECONDS
  while ((have < depth)); do
    n=$((depth - have < 1000000 ? depth - have : 1000000))
    sql "INSERT INTO fabrik.jobs(queue, priority, jid, payload)
         SELECT 'deep', 5, md5(g::text || '$have'), convert_to('{\"jobtype\":\"Deep\",\"args\":[' || g || '],\"queue\":\"deep\"}', 'UTF8')
         FROM generate_series(1, $n) g" >/dev/null
    have=$((have + n))
  done
  sql "VACUUM ANALYZE fabrik.jobs" >/dev/null
  fill=$((SECONDS - start))
  out=$("$pgbench" -h 127.0.0.1 -p "$pgport" -U fabrik -n -c 8 -j 2 -T "$seconds" -r -f "$work/cycle.sql" fabrik 2>&1)
  tps=$(awk '/^tps/ {print $3; exit}' <<<"$out")
  lat=$(awk '/^ +[0-9.]+ +[0-9]+ +(INSERT|WITH)/ {printf "%s ", $1}' <<<"$out")
  read -r push fetch ack <<<"$lat"
  printf '%10d %10d %12.0f %10s %10s %10s %8s\n' "$depth" "$fill" "$(awk -v t="$tps" 'BEGIN {print t * 10}')" \
    "$push" "$fetch" "$ack" "$(cut -d' ' -f1 /proc/loadavg)"
done
echo "jobs table+indexes at the end: $(sql "SELECT pg_size_pretty(pg_total_relation_size('fabrik.jobs'))")"
