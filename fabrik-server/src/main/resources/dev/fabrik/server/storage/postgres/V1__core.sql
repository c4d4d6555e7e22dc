-- Fabrik on PostgreSQL, version 1: queues, jobs (queued and reserved), the sorted sets, counters.
-- {s} is the schema (fabrik unless --schema). Times are epoch microseconds (bigint), as in the
-- SQLite store; keys compare byte-wise (COLLATE "C"), as Faktory's and SQLite's do.

CREATE TABLE {s}.queues (
  name   text COLLATE "C" PRIMARY KEY,
  paused boolean NOT NULL DEFAULT false
);

-- A job is queued while reserved_until_us is NULL and reserved (fetched, not yet ACKed or FAILed)
-- while it is set; ACK deletes the row. FIFO within (queue, priority) is id order.
CREATE TABLE {s}.jobs (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue             text COLLATE "C" NOT NULL,
  priority          smallint NOT NULL DEFAULT 5,
  jid               text COLLATE "C" NOT NULL,
  payload           bytea NOT NULL,
  wid               text,
  reserved_at_us    bigint,
  reserved_until_us bigint
);
CREATE INDEX jobs_ready ON {s}.jobs (queue, priority DESC, id) WHERE reserved_until_us IS NULL;
CREATE INDEX jobs_reserved_jid ON {s}.jobs (jid) WHERE reserved_until_us IS NOT NULL;
CREATE INDEX jobs_reserved_until ON {s}.jobs (reserved_until_us) WHERE reserved_until_us IS NOT NULL;
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

-- Lifetime totals, summed over shards: each writer adds to a shard of its own, so commits of
-- several nodes never queue for one hot row.
CREATE TABLE {s}.counters (
  name  text COLLATE "C" NOT NULL,
  shard integer NOT NULL,
  value bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (name, shard)
);

-- Wakes the FETCHes waiting on every node: a commit that made jobs fetchable notifies the
-- channel {s}_enqueued with each queue's name (PostgreSQL sends one notification per distinct
-- payload per transaction, and only after COMMIT; a rolled-back enqueue sends nothing).
CREATE FUNCTION {s}.notify_enqueued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{s}_enqueued', q.queue)
     FROM (SELECT DISTINCT queue FROM new_jobs WHERE reserved_until_us IS NULL) q;
  RETURN NULL;
END
$$;
CREATE TRIGGER jobs_enqueued AFTER INSERT ON {s}.jobs
  REFERENCING NEW TABLE AS new_jobs
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.notify_enqueued();
