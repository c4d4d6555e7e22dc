-- Version 4: the nodes of a cluster and the workers connected to them. {s} is the schema.
-- Times are epoch microseconds, as everywhere in this schema.

-- One row per running server process: it upserts its row every few seconds (last_seen_us); a
-- row silent past a TTL is shown as gone, and deleted by any node later on.
CREATE TABLE {s}.nodes (
  id            text COLLATE "C" PRIMARY KEY,
  hostname      text NOT NULL,
  pid           bigint NOT NULL,
  version       text NOT NULL,
  bindings      text[] NOT NULL,
  connections   integer NOT NULL DEFAULT 0,
  started_at_us bigint NOT NULL,
  last_seen_us  bigint NOT NULL
);

-- Worker processes (a wid from HELLO) whichever node their connections reach. state only moves
-- forward: 0 running, 1 quiet, 2 terminate, written as GREATEST(state, new) so two nodes writing
-- at once need no lock. connections counts the worker's connections on every node; the row goes
-- with the last one, or when its heartbeat is older than the worker TTL (a node that died leaves
-- its count behind; the TTL cleans that up).
CREATE TABLE {s}.workers (
  wid           text COLLATE "C" PRIMARY KEY,
  hostname      text,
  pid           bigint NOT NULL DEFAULT 0,
  labels        text[] NOT NULL DEFAULT '{}',
  started_at_us bigint NOT NULL,
  last_beat_us  bigint NOT NULL,
  rss_kb        bigint NOT NULL DEFAULT 0,
  state         smallint NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 2),
  connections   integer NOT NULL DEFAULT 0
);
