-- Version 7: concurrency and rate limits (docs/limits.md). {s} is the schema; times are epoch
-- microseconds.

-- One row per concurrency slot in use: slot is a number below the key's limit, so the primary key
-- makes taking a slot exact between nodes (two nodes inserting the same free number conflict and
-- the loser takes nothing). A row whose expires_us passed is free: the next taker overwrites it.
-- key is queue:<name> / jobtype:<name> (cluster-wide) or the same with @<wid> (one worker).
CREATE TABLE {s}.limit_slots (
  key        text COLLATE "C" NOT NULL,
  slot       integer NOT NULL,
  jid        text COLLATE "C" NOT NULL,
  expires_us bigint NOT NULL,
  PRIMARY KEY (key, slot)
);
CREATE INDEX limit_slots_by_jid ON {s}.limit_slots (jid);

-- One GCRA bucket per rate-limited queue, job type or partition: tat_us is the theoretical arrival
-- time; a start moves it on by interval_us and is refused when it would pass now + period_us.
CREATE TABLE {s}.limit_rates (
  bucket      text COLLATE "C" PRIMARY KEY,
  tat_us      bigint NOT NULL,
  period_us   bigint NOT NULL,
  interval_us bigint NOT NULL
);

-- Limits set at run time through /api/limits; they override conf.d's rule with the same id.
CREATE TABLE {s}.limit_rules (
  id   text COLLATE "C" PRIMARY KEY,
  rule jsonb NOT NULL
);
