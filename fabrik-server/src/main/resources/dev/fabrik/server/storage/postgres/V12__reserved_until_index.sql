-- Version 12: the reservation-deadline index gets a predicate no lookup by jid implies. {s} is the
-- schema.
--
-- Why: V1's jobs_reserved_until had the same predicate as jobs_reserved_jid
-- (reserved_until_us IS NOT NULL). When ANALYZE last ran while few or no jobs were reserved, both
-- indexes look empty to the planner, and an ACK's "WHERE jid = $1 AND reserved_until_us IS NOT
-- NULL" could be planned as a full scan of the deadline index, reading every reservation's row to
-- compare its jid: an ACK batch then cost in proportion to the jobs in flight (measured: 511 buffers
-- for 20 jids instead of ~60, PostgreSQL's CPU per drained job x2.2). A partial index is usable only
-- by a query whose WHERE implies its predicate; only the reaper says "reserved_until_us > 0".
--
-- Building the index scans the table once and holds off writes to jobs meanwhile (0.15 s with a
-- million rows in cache on a 2-core machine); nodes of the previous version keep working against
-- the new index (their reaper reads jobs_reserved_jid instead until they are upgraded).
DROP INDEX {s}.jobs_reserved_until;
CREATE INDEX jobs_reserved_until ON {s}.jobs (reserved_until_us, reserved_seq)
  WHERE reserved_until_us > 0;
