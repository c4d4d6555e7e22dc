-- Version 10: the load a worker reports in its BEAT, shared so every node's Busy page shows it.
--   C: BEAT {"wid":"4f2a...","rss_kb":181234,"concurrency":20,"busy":3}
-- -1 means "not reported" (most non-Java clients send neither field). {s} is the schema.
ALTER TABLE {s}.workers
  ADD COLUMN concurrency integer NOT NULL DEFAULT -1,
  ADD COLUMN busy integer NOT NULL DEFAULT -1;
