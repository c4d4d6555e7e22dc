-- Version 5: batches (Faktory Enterprise BATCH, docs/batches.md). {s} is the schema; times are
-- epoch microseconds. Counts are never stored: STATUS counts member rows, and every decision is
-- one conditional UPDATE (storage/BatchSql.java), so nodes sharing this database stay exact.
-- FLUSH leaves both tables alone.

-- committed/open are 0/1 (the same SQL runs on SQLite); complete_st/success_st are the wire
-- values '' '1' '2'; completed_us is when complete_st became '2' (retention counts from it).
CREATE TABLE {s}.batches (
  bid          text COLLATE "C" PRIMARY KEY,
  parent_bid   text COLLATE "C",
  description  text,
  created_us   bigint NOT NULL,
  expires_us   bigint NOT NULL,
  committed    smallint NOT NULL,
  open         smallint NOT NULL,
  complete_job text,
  success_job  text,
  complete_st  text NOT NULL,
  success_st   text NOT NULL,
  completed_us bigint
);
CREATE INDEX batches_parent ON {s}.batches (parent_bid) WHERE parent_bid IS NOT NULL;
CREATE INDEX batches_created ON {s}.batches (created_us);

-- One row per member job; state moves only forward: pending -> failed -> succeeded.
CREATE TABLE {s}.batch_members (
  bid       text COLLATE "C" NOT NULL,
  jid       text COLLATE "C" NOT NULL,
  state     text NOT NULL,
  joined_us bigint NOT NULL,
  PRIMARY KEY (bid, jid)
);
CREATE INDEX batch_members_state ON {s}.batch_members (bid, state);
