-- Version 2: the job options' tables (unique locks, tracking, cron). {s} is the schema; times are
-- epoch microseconds (bigint); keys compare byte-wise (COLLATE "C").
--
-- FLUSH (Store.flush) empties unique_locks and job_tracking with the jobs; cron_ticks and
-- cron_entries survive it, as they do in the SQLite store (they are configuration, not jobs).

-- One row per key, owned by one jid until expires_us; taken_us is the claiming push's clock.
-- Pushes claim keys with
--   INSERT ... ON CONFLICT (key) DO UPDATE SET ... WHERE unique_locks.expires_us <= excluded.taken_us
-- in the transaction that stores their jobs, so of two nodes pushing one job exactly one wins
-- (taken_us carries each claim's own "now" into the upsert, so one statement decides a batch).
CREATE TABLE {s}.unique_locks (
  key        text COLLATE "C" PRIMARY KEY,
  jid        text COLLATE "C" NOT NULL,
  expires_us bigint NOT NULL,
  taken_us   bigint NOT NULL
);
-- The purge walks expired locks oldest first.
CREATE INDEX unique_locks_expiry ON {s}.unique_locks (expires_us);

-- One row per tracked jid; every write is one upsert. expires_us is NULL until the job finished.
CREATE TABLE {s}.job_tracking (
  jid        text COLLATE "C" PRIMARY KEY,
  state      text NOT NULL,
  percent    integer,
  descr      text,
  updated_us bigint NOT NULL,
  expires_us bigint
);
CREATE INDEX job_tracking_expiry ON {s}.job_tracking (expires_us) WHERE expires_us IS NOT NULL;

-- Per cron entry: the last tick claimed (compare-and-set by every node's cron service), the job
-- it pushed, and the paused flag.
CREATE TABLE {s}.cron_ticks (
  entry_id     text COLLATE "C" PRIMARY KEY,
  last_tick_us bigint NOT NULL,
  last_jid     text COLLATE "C",
  last_run_us  bigint,
  paused       boolean NOT NULL DEFAULT false
);

-- Entries added through the JSON API, listed in the order they were first saved (seq); saving
-- an entry again replaces its definition and keeps its place.
CREATE TABLE {s}.cron_entries (
  id         text COLLATE "C" PRIMARY KEY,
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  definition bytea NOT NULL
);
