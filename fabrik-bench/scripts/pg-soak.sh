#!/usr/bin/env bash
# Sustained push+drain on one node over PostgreSQL with its default durability (fsync and
# synchronous_commit on), recording the jobs table's and each of its indexes' sizes every minute:
# does the queue table stay the same size under steady churn, or does it bloat?
#
#   1. a throwaway cluster (dev/postgres, no --fast) and one server node;
#   2. a standing backlog of BACKLOG jobs pushed in SQL (fabrik.push_bulk) into a queue nobody
#      fetches, so the table always holds live rows between the churning ones;
#   3. for MINUTES: `fabrik bench --phases drain` rounds, each PUSHB-ing ROUND jobs into a fresh
#      queue and draining them with FETCH+ACK on 50 connections (the queue is removed after it);
#   4. every minute one CSV line: minute, jobs done, table heap / indexes / total bytes, each
#      index's bytes, live and dead rows, autovacuum runs so far, load average;
#   5. every minute, in relations.csv, one line per relation of the fabrik schema (every table,
#      hot small ones such as queue_counts and counters included, and every btree index):
#      bytes, live/dead rows and autovacuum runs (tables), and pgstattuple's figures
#      (pgstatindex: leaf density, leaf/deleted/empty pages; pgstattuple_approx: dead and free %).
# Stops what it started (node, cluster, folder), also on Ctrl-C. Prints the CSV and a summary.
#
# usage: fabrik-bench/scripts/pg-soak.sh [JAR] [MINUTES] [BACKLOG] [ROUND] [RATE]
#   defaults: fabrik-cli/target/fabrik.jar, 30 minutes, 100000 backlog jobs, 20000 jobs a round,
#   RATE 0 (rounds back to back); RATE > 0 paces the rounds to about RATE jobs/s on average
#   (a round that finishes early waits out the rest of its ROUND/RATE seconds).
# env: FABRIK_SOAK_CSV (also write the CSV there), FABRIK_SOAK_OUT (a folder that keeps both CSVs
#   and the node log, written as the run goes), FABRIK_BENCH_POOL (default 24)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
jar=${1:-$root/fabrik-cli/target/fabrik.jar}
minutes=${2:-30}
backlog=${3:-100000}
round=${4:-20000}
rate=${5:-0}
pool=${FABRIK_BENCH_POOL:-24}
[[ -f "$jar" ]] || { echo "pg-soak: $jar is missing (mvn -o -q -B package -DskipTests)" >&2; exit 2; }
# shellcheck source=/dev/null
source "$root/dev/java-home" >/dev/null
java=$JAVA_HOME/bin/java

work=$(mktemp -d /tmp/fabrik-pgsoak-XXXX)
node=""
loop=""
cleanup() {
  [[ -n "$loop" ]] && { kill "$loop" 2>/dev/null; wait "$loop" 2>/dev/null || true; }
  [[ -n "$node" ]] && { kill "$node" 2>/dev/null; wait "$node" 2>/dev/null || true; }
  "$root/dev/postgres" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

url=$("$root/dev/postgres" start "$work/pg") # no --fast: PostgreSQL's default durability
pgport=${url##*:}
pgport=${pgport%%/*}
psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n 1)
sql() { "$psql" -h 127.0.0.1 -p "$pgport" -U fabrik -d fabrik -Atq -F, -c "$1"; }

port=$((20000 + RANDOM % 20000))
"$java" -Xmx1g -jar "$jar" server --storage postgres --database-url "$url" \
  --database-pool-size "$pool" --bind "127.0.0.1:$port" --no-web >"$work/node.log" 2>&1 &
node=$!
for _ in $(seq 1 300); do
  grep -q "fabrik listening on" "$work/node.log" 2>/dev/null && break
  kill -0 "$node" 2>/dev/null || { tail -n 20 "$work/node.log" >&2; exit 1; }
  sleep 0.1
done

echo "== machine: load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; PostgreSQL $(sql 'SHOW server_version')," \
  "fsync=$(sql 'SHOW fsync'), synchronous_commit=$(sql 'SHOW synchronous_commit'); $minutes min," \
  "backlog $backlog, $round jobs a round, rate ${rate} jobs/s (0: flat out)"
sql "CREATE EXTENSION IF NOT EXISTS pgstattuple" >/dev/null
# The standing backlog, in SQL, 10,000 jobs a statement.
for ((i = 0; i < backlog; i += 10000)); do
  n=$((backlog - i < 10000 ? backlog - i : 10000))
  sql "SELECT cardinality(fabrik.push_bulk((SELECT jsonb_agg(jsonb_build_object('jobtype', 'Idle',
         'queue', 'soak_backlog', 'args', jsonb_build_array(g))) FROM generate_series(1, $n) g)))" >/dev/null
done

done_file=$work/done
echo 0 >"$done_file"
(
  end=$((SECONDS + minutes * 60))
  total=0
  while ((SECONDS < end)); do
    started=$EPOCHREALTIME
    if "$java" -jar "$jar" bench --url "tcp://127.0.0.1:$port" --concurrency 50 --jobs "$round" \
      --phases drain >"$work/round.log" 2>&1; then
      total=$((total + round))
      echo "$total" >"$done_file"
    else
      echo "pg-soak: a round failed:" >&2
      tail -n 5 "$work/round.log" >&2
    fi
    if ((rate > 0)); then
      pause=$(python3 -c "import sys; print(max(0.0, $round / $rate - ($EPOCHREALTIME - $started)))")
      sleep "$pause"
    fi
  done
) &
loop=$!

indexes=$(sql "SELECT string_agg(indexrelname, ' ' ORDER BY indexrelname) FROM pg_stat_user_indexes
               WHERE schemaname = 'fabrik' AND relname = 'jobs'")
header="minute,jobs_done,heap_bytes,indexes_bytes,total_bytes"
for i in $indexes; do header+=",$i"; done
header+=",live_rows,dead_rows,autovacuums,load1"
out=${FABRIK_SOAK_OUT:-$work}
mkdir -p "$out"
csv=$out/sizes.csv
rel_csv=$out/relations.csv
echo "$header" | tee "$csv"
echo "minute,relation,kind,bytes,live_rows,dead_rows,autovacuums,last_autovacuum,dead_pct,free_pct,avg_leaf_density,leaf_pages,deleted_pages,empty_pages" >"$rel_csv"
sample() { # MINUTE
  local cols="pg_relation_size('fabrik.jobs'), pg_indexes_size('fabrik.jobs'), pg_total_relation_size('fabrik.jobs')"
  for i in $indexes; do cols+=", pg_relation_size('fabrik.$i')"; done
  local row
  row=$(sql "SELECT $cols, n_live_tup, n_dead_tup, autovacuum_count FROM pg_stat_user_tables
             WHERE schemaname = 'fabrik' AND relname = 'jobs'")
  echo "$1,$(cat "$done_file"),$row,$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$csv"
  # Tables: pgstattuple_approx reads only the pages the visibility map does not mark all-visible.
  sql "SELECT $1, s.relname, 'table', pg_relation_size(s.relid), s.n_live_tup, s.n_dead_tup, s.autovacuum_count,
              coalesce(to_char(s.last_autovacuum AT TIME ZONE 'UTC', 'HH24:MI:SS'), ''),
              round(a.dead_tuple_percent::numeric, 2), round(a.approx_free_percent::numeric, 2), '', '', '', ''
       FROM pg_stat_user_tables s, LATERAL pgstattuple_approx(s.relid) a
       WHERE s.schemaname = 'fabrik' ORDER BY s.relname" >>"$rel_csv"
  # Btree indexes: pgstatindex reads the whole index (a few MB here, once a minute).
  sql "SELECT $1, i.indexrelname, 'index', pg_relation_size(i.indexrelid), '', '', '', '', '', '',
              st.avg_leaf_density, st.leaf_pages, st.deleted_pages, st.empty_pages
       FROM pg_stat_user_indexes i JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree', LATERAL pgstatindex(i.indexrelid::regclass) st
       WHERE i.schemaname = 'fabrik' ORDER BY i.indexrelname" >>"$rel_csv"
}
sample 0
for ((m = 1; m <= minutes; m++)); do
  sleep 60
  sample "$m"
done
wait "$loop" || true
loop=""
[[ -n "${FABRIK_SOAK_CSV:-}" ]] && cp "$csv" "$FABRIK_SOAK_CSV"
[[ -n "${FABRIK_SOAK_OUT:-}" ]] && cp "$work/node.log" "$out/node.log"
python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def mb(v): return int(v) / 1048576
first, mid, last = rows[1] if len(rows) > 1 else rows[0], rows[len(rows) // 2], rows[-1]
peak = max(rows, key=lambda r: int(r["total_bytes"]))
print(f"jobs done {last['jobs_done']} in {last['minute']} min; jobs table+indexes "
      f"{mb(first['total_bytes']):.1f} MB at minute {first['minute']}, {mb(mid['total_bytes']):.1f} MB at "
      f"minute {mid['minute']}, {mb(last['total_bytes']):.1f} MB at the end, peak {mb(peak['total_bytes']):.1f} MB "
      f"at minute {peak['minute']}; autovacuum runs {last['autovacuums']}")
PY
