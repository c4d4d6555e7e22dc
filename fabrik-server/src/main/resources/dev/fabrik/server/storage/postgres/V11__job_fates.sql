-- Version 11: the fate of a batch or workflow job that a FAIL discarded (retry 0), written in
-- that FAIL's transaction, so crash recovery counts it as failed (batches) or dead (workflows)
-- rather than as a job that vanished because it was ACKed. Purged after a day. {s} is the schema.
CREATE TABLE {s}.job_fates (
  jid   text COLLATE "C" PRIMARY KEY,
  fate  text NOT NULL CHECK (fate IN ('discarded')),
  at_us bigint NOT NULL
);
CREATE INDEX job_fates_at ON {s}.job_fates (at_us);
