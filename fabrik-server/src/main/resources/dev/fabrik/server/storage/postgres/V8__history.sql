-- Version 8: job history per job type and bucket (docs/history.md). {s} is the schema.

-- One row per non-zero field of a bucket's tally (Tally.java: 0 processed, 1 failed, 2 retried,
-- 3 died, 4 snoozed, 5 expired, 6 timed runs, 7 run-time sum in µs, 8.. the run-time histogram).
-- grain: 1 minute, 2 hour, 3 day; start: the bucket's first epoch second (UTC-aligned).
-- Nodes only ever add: INSERT ... ON CONFLICT DO UPDATE SET n = job_history.n + excluded.n, so
-- several nodes flushing into one bucket sum exactly. The primary key's prefix (grain, start)
-- serves both the window reads and the retention purge.
CREATE TABLE {s}.job_history (
  grain   smallint NOT NULL,
  start   bigint NOT NULL,
  jobtype text COLLATE "C" NOT NULL,
  field   smallint NOT NULL,
  n       bigint NOT NULL,
  PRIMARY KEY (grain, start, jobtype, field)
);
