-- Workflows (custom.after): one row per job taking part in a workflow, one edge per dependency.
-- A held job lives only here until its last dependency succeeds; its release is the update of
-- its row and the insert into jobs (or set_entries) in one transaction. Every decision about a
-- job is taken with its row locked (SELECT ... FOR UPDATE), so nodes take turns per job.
CREATE TABLE {s}.workflow_jobs (
  jid        text COLLATE "C" PRIMARY KEY,
  queue      text COLLATE "C" NOT NULL,
  payload    bytea NOT NULL,
  at_us      bigint,            -- its own run time when scheduled (at), else NULL
  waiting    integer NOT NULL,  -- dependencies not yet succeeded
  state      text NOT NULL CHECK (state IN ('held', 'active', 'done', 'dead', 'blocked')),
  cause      text COLLATE "C",  -- the dependency whose death blocked it
  dead_at_us bigint,            -- score of its dead-set entry while blocked
  until_us   bigint             -- a finished row may be purged from then on
);
CREATE INDEX workflow_jobs_state ON {s}.workflow_jobs (state, jid);
CREATE INDEX workflow_jobs_until ON {s}.workflow_jobs (until_us) WHERE until_us IS NOT NULL;

-- Each edge is resolved once: UPDATE ... SET resolved = true WHERE dep = $1 AND NOT resolved
-- RETURNING jid, so of two transactions resolving it only one sees it.
CREATE TABLE {s}.workflow_edges (
  dep      text COLLATE "C" NOT NULL,
  jid      text COLLATE "C" NOT NULL,
  resolved boolean NOT NULL,
  PRIMARY KEY (dep, jid)
);
CREATE INDEX workflow_edges_jid ON {s}.workflow_edges (jid, dep);
