-- Fabrik on PostgreSQL, version 1: queues, jobs (queued and reserved), the sorted sets, counters.
-- {s} is the schema (fabrik unless --schema). Times are epoch microseconds (bigint), as in the
-- SQLite store; keys compare byte-wise (COLLATE "C"), as Faktory's and SQLite's do.

CREATE TABLE {s}.queues (
  name   text COLLATE "C" PRIMARY KEY,
  paused boolean NOT NULL DEFAULT false
);

-- A job is queued while reserved_until_us is NULL and reserved (fetched, not yet ACKed or FAILed)
-- while it is set; ACK deletes the row. FIFO within (queue, priority) is id order. reserved_seq
-- orders reservations (oldest first), as ACK of a duplicate jid and the UI list them.
CREATE TABLE {s}.jobs (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue             text COLLATE "C" NOT NULL,
  priority          smallint NOT NULL DEFAULT 5,
  jid               text COLLATE "C" NOT NULL,
  payload           bytea NOT NULL,
  wid               text,
  reserved_at_us    bigint,
  reserved_until_us bigint,
  reserved_seq      bigint
);
CREATE SEQUENCE {s}.reservation_seq;
CREATE INDEX jobs_ready ON {s}.jobs (queue, priority DESC, id) WHERE reserved_until_us IS NULL;
CREATE INDEX jobs_reserved_jid ON {s}.jobs (jid, reserved_seq) WHERE reserved_until_us IS NOT NULL;
CREATE INDEX jobs_reserved_until ON {s}.jobs (reserved_until_us, reserved_seq)
  WHERE reserved_until_us IS NOT NULL;
-- A queue table turns over all its rows: vacuum it after 1 % of them died, not the default 20 %.
ALTER TABLE {s}.jobs SET (autovacuum_vacuum_scale_factor = 0.01,
                          autovacuum_vacuum_insert_scale_factor = 0.01);

-- scheduled, retries and dead, ordered by (score, jid, seq) as the Store SPI orders them.
CREATE TABLE {s}.set_entries (
  seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  set_name text COLLATE "C" NOT NULL CHECK (set_name IN ('scheduled', 'retries', 'dead')),
  score_us bigint NOT NULL,
  jid      text COLLATE "C" NOT NULL,
  queue    text COLLATE "C" NOT NULL,
  jobtype  text COLLATE "C",
  payload  bytea NOT NULL
);
CREATE INDEX set_entries_order ON {s}.set_entries (set_name, score_us, jid, seq);
CREATE INDEX set_entries_by_jobtype ON {s}.set_entries (set_name, jobtype, score_us, jid, seq);

-- Lifetime totals (processed, failures), summed over shards. The shard is the writing backend's
-- pid: two sessions alive at once never share a row, so commits of several nodes never queue for
-- one hot row and never deadlock on it. Rows of ended backends are folded into shard 0 now and
-- then (PgShardFolding). The same holds for queue_counts below.
CREATE TABLE {s}.counters (
  name  text COLLATE "C" NOT NULL,
  shard integer NOT NULL,
  value bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (name, shard)
);

-- Queued (ready) and reserved jobs per queue, summed over shards like counters, changed in the
-- statement that changes the jobs. Why not count(*): INFO and the dashboard ask every few
-- seconds, and counting the partial index jobs_ready is linear in the backlog (an index-only scan
-- needs an all-visible heap, which a queue table that turns over never is): measured 150-210 ms
-- at 1M and 2.2-3.0 s at 10M queued (2-core machine, PostgreSQL 15), while a sum over a few rows
-- per queue stays flat.
--
-- Who keeps them: inserts come from many writers (PUSH, set moves, cron, unique pushes, the SQL
-- push() of an application's transaction), so the INSERT trigger below counts them. Only the
-- store's own statements reserve, acknowledge, fail or remove jobs, and each of those adds its
-- deltas in a CTE of the same statement: a statement-level UPDATE/DELETE trigger with transition
-- tables cost 0.35-0.7 ms per FETCH and per ACK batch, several times the statement itself.
CREATE TABLE {s}.queue_counts (
  queue    text COLLATE "C" NOT NULL,
  shard    integer NOT NULL,
  ready    bigint NOT NULL DEFAULT 0,
  reserved bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (queue, shard)
);

-- INSERT: count the new jobs (in queue order, in this backend's shard) and wake the FETCHes
-- waiting on every node: a commit that made jobs fetchable notifies the channel {s}_enqueued with
-- each queue's name (PostgreSQL sends one notification per distinct payload per transaction, and
-- only after COMMIT; a rolled-back enqueue sends nothing). Jobs are always inserted queued.
CREATE FUNCTION {s}.jobs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  notified bigint;
BEGIN
  WITH added AS (SELECT queue, count(*) AS n FROM new_jobs GROUP BY queue),
       counted AS (
         INSERT INTO {s}.queue_counts AS c (queue, shard, ready)
         SELECT queue, pg_backend_pid(), n FROM added ORDER BY queue
         ON CONFLICT (queue, shard) DO UPDATE SET ready = c.ready + excluded.ready)
  SELECT count(pg_notify('{s}_enqueued', queue)) INTO notified FROM added;
  RETURN NULL;
END
$$;
CREATE TRIGGER jobs_inserted AFTER INSERT ON {s}.jobs
  REFERENCING NEW TABLE AS new_jobs
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.jobs_inserted();

-- Entries per set, summed over shards like queue_counts and kept the same way: by statement
-- triggers on set_entries, in the transaction that adds or removes the entries, so every writer is
-- counted (SQL push() of a scheduled job, cron, set moves, trim). Why not count(*): INFO, /metrics
-- and the dashboard ask for all three sets every few seconds, and counting is linear in the set
-- (0.5-0.65 s at 1M dead entries, 2-core machine, PostgreSQL 15); a sum over a few rows is flat.
--   SELECT coalesce(sum(n), 0) FROM fabrik.set_counts WHERE set_name = 'dead'
CREATE TABLE {s}.set_counts (
  set_name text COLLATE "C" NOT NULL,
  shard    integer NOT NULL,
  n        bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (set_name, shard)
);

-- Adds each set's delta to this backend's shard, sets in name order (as add_queue_counts does).
CREATE FUNCTION {s}.add_set_counts(deltas jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO {s}.set_counts AS c (set_name, shard, n)
  SELECT d.set_name, pg_backend_pid(), d.n
    FROM jsonb_to_recordset(deltas) AS d(set_name text, n bigint)
   WHERE d.n <> 0
   ORDER BY d.set_name COLLATE "C"
  ON CONFLICT (set_name, shard) DO UPDATE SET n = c.n + excluded.n
$$;

CREATE FUNCTION {s}.set_entries_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM {s}.add_set_counts(coalesce(jsonb_agg(d), '[]'))
     FROM (SELECT set_name, count(*) AS n FROM new_entries GROUP BY set_name) d;
  RETURN NULL;
END
$$;
CREATE TRIGGER set_entries_inserted AFTER INSERT ON {s}.set_entries
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.set_entries_inserted();

CREATE FUNCTION {s}.set_entries_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM {s}.add_set_counts(coalesce(jsonb_agg(d), '[]'))
     FROM (SELECT set_name, -count(*) AS n FROM old_entries GROUP BY set_name) d;
  RETURN NULL;
END
$$;
CREATE TRIGGER set_entries_deleted AFTER DELETE ON {s}.set_entries
  REFERENCING OLD TABLE AS old_entries
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.set_entries_deleted();

-- Fabrik never updates set_entries (a kill within dead is DELETE + INSERT); an UPDATE that moves
-- rows between sets is counted anyway, so that one written one day cannot skew the sizes (any
-- other UPDATE nets to zero and writes nothing). PostgreSQL refuses transition tables on an
-- "UPDATE OF set_name" trigger, hence every UPDATE.
CREATE FUNCTION {s}.set_entries_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM {s}.add_set_counts(coalesce(jsonb_agg(d), '[]'))
     FROM (SELECT set_name, sum(n) AS n
             FROM (SELECT set_name, 1 AS n FROM new_entries
                   UNION ALL
                   SELECT set_name, -1 FROM old_entries) x
            GROUP BY set_name) d;
  RETURN NULL;
END
$$;
CREATE TRIGGER set_entries_renamed AFTER UPDATE ON {s}.set_entries
  REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.set_entries_renamed();
