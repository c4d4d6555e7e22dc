-- Failure triage: retries and dead entries grouped by the payload's failure.fingerprint (16 hex
-- digits the server computes at FAIL). The fingerprint is a stored generated column with a partial
-- index, so a group's page is a range scan:
--   SELECT ... FROM fabrik.set_entries WHERE set_name = 'dead' AND fingerprint = '3f9a0c2e71b4d856'
--    ORDER BY score_us, jid, seq LIMIT 26
-- The function only parses payloads that mention a fingerprint (scheduled jobs do not). Every
-- payload is JSON the server (or the push() function, which checks it) wrote; no EXCEPTION block
-- guards the parse, since each would open a subtransaction per row and a group commit of many
-- FAILs would overflow the backend's subtransaction cache.
CREATE FUNCTION {s}.payload_fingerprint(payload bytea) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN position('"fingerprint"'::bytea IN payload) > 0
              THEN convert_from(payload, 'UTF8')::jsonb #>> '{failure,fingerprint}' END
$$;

-- Rewrites set_entries once (entries stored before carry no fingerprint and join no group).
ALTER TABLE {s}.set_entries
  ADD COLUMN fingerprint text COLLATE "C"
  GENERATED ALWAYS AS ({s}.payload_fingerprint(payload)) STORED;
CREATE INDEX set_entries_by_fingerprint ON {s}.set_entries (set_name, fingerprint, score_us, jid, seq)
  WHERE fingerprint IS NOT NULL;

-- Per (set, fingerprint) figures, sharded by the writing backend's pid like set_counts: several
-- nodes failing jobs of one group never queue for one row, and rows are upserted in key order, so
-- two statements never deadlock. A group is the sum over its shards:
--   SELECT fingerprint, sum(n) FROM fabrik.failure_groups WHERE set_name = 'dead'
--    GROUP BY fingerprint HAVING sum(n) > 0
-- A shard row's n may go below zero (entries added by one backend, removed by another); it is
-- deleted when it reaches exactly zero. first/last seen and the latest errtype, message and sample
-- are those of the shard rows' inserts (NULL on a row only removals created).
CREATE TABLE {s}.failure_groups (
  set_name        text COLLATE "C" NOT NULL,
  fingerprint     text COLLATE "C" NOT NULL,
  shard           integer NOT NULL,
  n               bigint NOT NULL,
  first_seen_us   bigint,
  last_seen_us    bigint,
  errtype         text,
  message         text,
  sample_score_us bigint,
  sample_jid      text,
  sample_seq      bigint,
  PRIMARY KEY (set_name, fingerprint, shard)
);

CREATE TABLE {s}.failure_group_types (
  set_name    text COLLATE "C" NOT NULL,
  fingerprint text COLLATE "C" NOT NULL,
  jobtype     text COLLATE "C" NOT NULL,
  shard       integer NOT NULL,
  n           bigint NOT NULL,
  PRIMARY KEY (set_name, fingerprint, jobtype, shard)
);

CREATE FUNCTION {s}.failure_groups_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_entries WHERE fingerprint IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  INSERT INTO {s}.failure_groups AS g (set_name, fingerprint, shard, n, first_seen_us,
      last_seen_us, errtype, message, sample_score_us, sample_jid, sample_seq)
  SELECT c.set_name, c.fingerprint, pg_backend_pid(), c.n, now_us, now_us,
         j #>> '{failure,errtype}', j #>> '{failure,message}', l.score_us, l.jid, l.seq
    FROM (SELECT set_name, fingerprint, count(*) AS n FROM new_entries
           WHERE fingerprint IS NOT NULL GROUP BY set_name, fingerprint) c
    JOIN (SELECT DISTINCT ON (set_name, fingerprint) set_name, fingerprint, score_us, jid, seq,
                 payload
            FROM new_entries WHERE fingerprint IS NOT NULL
           ORDER BY set_name, fingerprint, seq DESC) l USING (set_name, fingerprint)
   CROSS JOIN LATERAL (SELECT convert_from(l.payload, 'UTF8')::jsonb AS j) p
   ORDER BY c.set_name, c.fingerprint
  ON CONFLICT (set_name, fingerprint, shard) DO UPDATE SET
    n = g.n + excluded.n,
    first_seen_us = coalesce(g.first_seen_us, excluded.first_seen_us),
    last_seen_us = excluded.last_seen_us, errtype = excluded.errtype,
    message = excluded.message, sample_score_us = excluded.sample_score_us,
    sample_jid = excluded.sample_jid, sample_seq = excluded.sample_seq;
  INSERT INTO {s}.failure_group_types AS t (set_name, fingerprint, jobtype, shard, n)
  SELECT set_name, fingerprint, coalesce(jobtype, ''), pg_backend_pid(), count(*)
    FROM new_entries WHERE fingerprint IS NOT NULL
   GROUP BY set_name, fingerprint, coalesce(jobtype, '')
   ORDER BY 1, 2, 3
  ON CONFLICT (set_name, fingerprint, jobtype, shard) DO UPDATE SET n = t.n + excluded.n;
  DELETE FROM {s}.failure_groups
   WHERE shard = pg_backend_pid() AND n = 0
     AND (set_name, fingerprint) IN (SELECT set_name, fingerprint FROM new_entries);
  DELETE FROM {s}.failure_group_types
   WHERE shard = pg_backend_pid() AND n = 0
     AND (set_name, fingerprint) IN (SELECT set_name, fingerprint FROM new_entries);
  RETURN NULL;
END
$$;
CREATE TRIGGER failure_groups_inserted AFTER INSERT ON {s}.set_entries
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.failure_groups_inserted();

CREATE FUNCTION {s}.failure_groups_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_entries WHERE fingerprint IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  INSERT INTO {s}.failure_groups AS g (set_name, fingerprint, shard, n)
  SELECT set_name, fingerprint, pg_backend_pid(), -count(*)
    FROM old_entries WHERE fingerprint IS NOT NULL
   GROUP BY set_name, fingerprint
   ORDER BY 1, 2
  ON CONFLICT (set_name, fingerprint, shard) DO UPDATE SET n = g.n + excluded.n;
  INSERT INTO {s}.failure_group_types AS t (set_name, fingerprint, jobtype, shard, n)
  SELECT set_name, fingerprint, coalesce(jobtype, ''), pg_backend_pid(), -count(*)
    FROM old_entries WHERE fingerprint IS NOT NULL
   GROUP BY set_name, fingerprint, coalesce(jobtype, '')
   ORDER BY 1, 2, 3
  ON CONFLICT (set_name, fingerprint, jobtype, shard) DO UPDATE SET n = t.n + excluded.n;
  DELETE FROM {s}.failure_groups
   WHERE shard = pg_backend_pid() AND n = 0
     AND (set_name, fingerprint) IN (SELECT set_name, fingerprint FROM old_entries);
  DELETE FROM {s}.failure_group_types
   WHERE shard = pg_backend_pid() AND n = 0
     AND (set_name, fingerprint) IN (SELECT set_name, fingerprint FROM old_entries);
  RETURN NULL;
END
$$;
CREATE TRIGGER failure_groups_deleted AFTER DELETE ON {s}.set_entries
  REFERENCING OLD TABLE AS old_entries
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.failure_groups_deleted();
