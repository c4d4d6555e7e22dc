-- Version 3: transactional enqueue in plain SQL, from any language, inside the caller's own
-- transaction (docs/transactional-enqueue.md):
--
--   BEGIN;
--   UPDATE accounts SET balance = balance - 10 WHERE id = 42;
--   SELECT fabrik.push('{"jobtype":"SendReceipt","args":[42]}');          -- → its jid
--   SELECT fabrik.push_bulk('[{"jobtype":"A","args":[]},{"jobtype":"B","args":[1]}]');  -- → text[]
--   COMMIT;    -- the jobs exist from here on, and the FETCHes waiting on every node wake
--   (ROLLBACK leaves nothing behind and wakes nobody: NOTIFY is only sent at COMMIT)
--
-- The checks and defaults are PUSH's (manager/JobValidator, Manager.prepare, PriorityField,
-- ExpiryTime), with the server's texts, raised as SQLSTATE 22023 (invalid_parameter_value). The
-- rows are the ones PUSH writes: a job due now goes to {s}.jobs with enqueued_at stamped, one whose
-- `at` is in the future to the scheduled set; its payload is compact JSON in JobCodec's key order.
-- Differences from PUSH, on purpose: a job without a jid gets one (a random 32-hex-digit id, the
-- value returned), and push_bulk is all or nothing (the first bad job raises, naming its job_no,
-- and the caller's transaction decides) where PUSHB stores the good ones and lists the bad ones.
-- Tracked jobs (custom.track) get their 'enqueued' record in {s}.job_tracking (V2), as PUSH
-- writes it. Unique jobs (custom.unique_for) claim their lock in {s}.unique_locks (V2) as
-- PgUniqueLocks does; a held lock raises SQLSTATE 23505 "NOTUNIQUE Job not unique". The few args
-- whose canonical form (the lock key hashes it) PostgreSQL cannot write as Jackson does are
-- refused with SQLSTATE 0A000: control characters, keys beyond U+FFFF, decimals below 1e-6.

-- The server's timestamp form: UTC, `Z`, fraction with trailing zeros trimmed, none when zero.
CREATE FUNCTION {s}.rfc3339(t timestamptz) RETURNS text LANGUAGE sql STABLE STRICT AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
         || coalesce('.' || nullif(rtrim(to_char(t AT TIME ZONE 'UTC', 'US'), '0'), ''), '')
         || 'Z'
$$;

-- An RFC 3339 instant as the server parses it (Timestamps.parse): `T` and a `Z` or ±hh:mm offset
-- required, lowercase t/z accepted, no hour 24 nor second 60, at most nine fraction digits.
-- Digits past the microsecond are cut (not rounded), as the server's epoch micros are.
-- NULL when the text is not such an instant.
CREATE FUNCTION {s}.parse_rfc3339(t text) RETURNS timestamptz LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
  IF t !~ '^\d{4}-\d{2}-\d{2}[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?([Zz]|[+-]\d{2}:[0-5]\d)$' THEN
    RETURN NULL;
  END IF;
  RETURN regexp_replace(upper(t), '(\.\d{6})\d+', '\1')::timestamptz;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
  RETURN NULL; -- February 30th and the like
END
$$;

-- A value quoted in an error text, cut at 64 characters as CommandException.excerpt cuts it.
CREATE FUNCTION {s}.excerpt(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN length(t) <= 64 THEN t
              ELSE left(t, 64) || '… (' || length(t) || ' chars)' END
$$;

-- JSON without the spaces jsonb's text form puts after `,` and `:`, so the payload is byte for
-- byte the size PUSH would store: {"a": [1, 2]} → {"a":[1,2]}. Keys in jsonb's own order.
CREATE FUNCTION {s}.compact_json(v jsonb) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE jsonb_typeof(v)
    WHEN 'object' THEN
      '{' || coalesce((SELECT string_agg(to_jsonb(e.k)::text || ':' || {s}.compact_json(e.v), ','
                                         ORDER BY e.n)
                         FROM jsonb_each(v) WITH ORDINALITY AS e(k, v, n)), '') || '}'
    WHEN 'array' THEN
      '[' || coalesce((SELECT string_agg({s}.compact_json(e.v), ',' ORDER BY e.n)
                         FROM jsonb_array_elements(v) WITH ORDINALITY AS e(v, n)), '') || ']'
    ELSE v::text
  END
$$;

-- Raises PUSH's error text as SQLSTATE 22023; `job_no` names the job of a push_bulk array.
CREATE FUNCTION {s}.refuse(message text, job_no integer, code text DEFAULT '22023')
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF job_no IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
  END IF;
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = 'job ' || job_no || ': ' || message;
END
$$;

-- A string field of the job (JobCodec's typing): NULL when absent or null, else it must be a string.
-- `parent` prefixes the key in the error text ("failure.").
CREATE FUNCTION {s}.job_string(o jsonb, key text, job_no integer, parent text DEFAULT '') RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF o -> key IS NULL OR jsonb_typeof(o -> key) = 'null' THEN
    RETURN NULL;
  ELSIF jsonb_typeof(o -> key) <> 'string' THEN
    PERFORM {s}.refuse('invalid JSON: ' || parent || key || ' must be a string', job_no);
  END IF;
  RETURN o ->> key;
END
$$;

-- An integer field of the job: NULL when absent or null, else a whole number written without a
-- fraction or exponent, within 32 bits.
CREATE FUNCTION {s}.job_int(o jsonb, key text, job_no integer, parent text DEFAULT '') RETURNS integer
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF o -> key IS NULL OR jsonb_typeof(o -> key) = 'null' THEN
    RETURN NULL;
  ELSIF jsonb_typeof(o -> key) <> 'number' OR (o ->> key) !~ '^-?\d{1,10}$'
        OR (o ->> key)::bigint NOT BETWEEN -2147483648 AND 2147483647 THEN
    PERFORM {s}.refuse('invalid JSON: ' || parent || key || ' must be an integer', job_no);
  END IF;
  RETURN (o ->> key)::integer;
END
$$;

-- A job's `failure` as JobCodec writes it back: its known keys only, in their order.
CREATE FUNCTION {s}.failure_json(f jsonb, job_no integer) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  out text;
  field text;
  lines text;
BEGIN
  IF jsonb_typeof(f) <> 'object' THEN
    PERFORM {s}.refuse('invalid JSON: failure must be an object', job_no);
  END IF;
  out := '{"retry_count":' || coalesce({s}.job_int(f, 'retry_count', job_no, 'failure.'), 0)
      || ',"remaining":' || coalesce({s}.job_int(f, 'remaining', job_no, 'failure.'), 0);
  FOREACH field IN ARRAY ARRAY['failed_at', 'next_at', 'message', 'errtype'] LOOP
    IF coalesce({s}.job_string(f, field, job_no, 'failure.'), '') <> '' THEN
      out := out || ',"' || field || '":' || to_jsonb(f ->> field)::text;
    END IF;
  END LOOP;
  IF jsonb_typeof(f -> 'backtrace') = 'array' AND jsonb_array_length(f -> 'backtrace') > 0 THEN
    SELECT string_agg(to_jsonb(CASE WHEN jsonb_typeof(l) = 'string' THEN l #>> '{}'
                                    ELSE {s}.compact_json(l) END)::text, ',' ORDER BY n)
      INTO lines FROM jsonb_array_elements(f -> 'backtrace') WITH ORDINALITY AS b(l, n);
    out := out || ',"backtrace":[' || lines || ']';
  END IF;
  RETURN out || '}';
END
$$;

-- custom.expires_at / custom.expires_in checked, and expires_in made absolute (ExpiryTime.stamp):
-- the custom object to store.
CREATE FUNCTION {s}.stamp_expiry(custom jsonb, now timestamptz, job_no integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  at_value jsonb := custom -> 'expires_at';
  in_value jsonb := custom -> 'expires_in';
  expires_at timestamptz;
  expires_in timestamptz;
BEGIN
  IF at_value IS NOT NULL AND jsonb_typeof(at_value) <> 'null' THEN
    IF jsonb_typeof(at_value) <> 'string' THEN
      PERFORM {s}.refuse('custom.expires_at must be an RFC 3339 timestamp string, not '
                         || {s}.excerpt({s}.compact_json(at_value)), job_no);
    END IF;
    expires_at := {s}.parse_rfc3339(at_value #>> '{}');
    IF expires_at IS NULL THEN
      PERFORM {s}.refuse('invalid timestamp for ''expires_at'': "'
                         || {s}.excerpt(at_value #>> '{}') || '"', job_no);
    END IF;
  END IF;
  IF in_value IS NOT NULL AND jsonb_typeof(in_value) <> 'null' THEN
    IF jsonb_typeof(in_value) <> 'number' THEN
      PERFORM {s}.refuse('custom.expires_in must be a number of seconds, not '
                         || {s}.excerpt({s}.compact_json(in_value)), job_no);
    ELSIF in_value::numeric < 0 THEN
      PERFORM {s}.refuse('custom.expires_in must not be negative, got '
                         || {s}.excerpt(in_value::text), job_no);
    ELSIF in_value::numeric > 3155760000 THEN
      PERFORM {s}.refuse('custom.expires_in must be at most 3155760000 seconds, got '
                         || {s}.excerpt(in_value::text), job_no);
    END IF;
    expires_in := now + in_value::numeric * interval '1 second';
    IF expires_at IS NULL OR expires_in < expires_at THEN
      RETURN jsonb_set(custom, '{expires_at}', to_jsonb({s}.rfc3339(expires_in)));
    END IF;
  END IF;
  RETURN custom;
END
$$;

-- Raises SQLSTATE 0A000 for what this function cannot do the way the server does.
CREATE FUNCTION {s}.unsupported(message text, job_no integer) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM {s}.refuse(message, job_no, '0A000');
  RETURN NULL;
END
$$;

-- A string as Jackson writes it in a unique key's canonical args: PostgreSQL's JSON escaping is
-- Jackson's except for the control characters written \u00XX (lower- vs upper-case hex), which
-- are refused rather than hashed differently.
CREATE FUNCTION {s}.canonical_string(t text, job_no integer) RETURNS text
LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN t ~ '[\x01-\x07\x0b\x0e-\x1f]'
              THEN {s}.unsupported('custom.unique_for with a control character in args is not'
                                   || ' supported by {s}.push: push the job to the server', job_no)
              ELSE to_jsonb(t)::text END
$$;

-- The args of a unique job as UniqueOption.key hashes them (Jackson, properties sorted, compact),
-- computed from the jsonb the payload is written from, which is what the server reads back at
-- FETCH and ACK to release the lock. Keys sort by code point (bytes of UTF-8), which is Java's
-- order unless a key holds a character beyond U+FFFF (refused). A decimal below 1e-6 is refused:
-- BigDecimal.toString writes it with an exponent (1E-7) where PostgreSQL writes 0.0000001; so is
-- a zero with more than six decimals (0E-7).
CREATE FUNCTION {s}.canonical_json(v jsonb, job_no integer) RETURNS text
LANGUAGE sql VOLATILE AS $$
  SELECT CASE jsonb_typeof(v)
    WHEN 'object' THEN
      '{' || coalesce((SELECT string_agg(
                         CASE WHEN e.k ~ '[\U00010000-\U0010FFFF]'
                              THEN {s}.unsupported('custom.unique_for with a key beyond U+FFFF in'
                                   || ' args is not supported by {s}.push: push the job to the'
                                   || ' server', job_no)
                              ELSE {s}.canonical_string(e.k, job_no) END
                         || ':' || {s}.canonical_json(e.v, job_no), ','
                         ORDER BY convert_to(e.k, 'UTF8'))
                         FROM jsonb_each(v) AS e(k, v)), '') || '}'
    WHEN 'array' THEN
      '[' || coalesce((SELECT string_agg({s}.canonical_json(e.v, job_no), ',' ORDER BY e.n)
                         FROM jsonb_array_elements(v) WITH ORDINALITY AS e(v, n)), '') || ']'
    WHEN 'string' THEN {s}.canonical_string(v #>> '{}', job_no)
    WHEN 'number' THEN
      CASE WHEN v::text LIKE '%.%'
                AND (v::numeric <> 0 AND abs(v::numeric) < 0.000001
                     OR v::numeric = 0 AND length(substring(v::text FROM '\.(\d+)')) > 6)
           THEN {s}.unsupported('custom.unique_for with a decimal below 1e-6 in args is not'
                                || ' supported by {s}.push: push the job to the server', job_no)
           ELSE v::text END
    ELSE v::text
  END
$$;

-- Refuses job job_no of a push whose unique lock is held (PUSH answers -NOTUNIQUE Job not unique):
-- SQLSTATE 23505, unique_violation.
CREATE FUNCTION {s}.not_unique(job_no integer) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM {s}.refuse('NOTUNIQUE Job not unique', job_no, '23505');
  RETURN true;
END
$$;

-- One job checked and given its defaults as PUSH does, and the row PUSH would store for it:
-- run_at_us is NULL for a job due now (it goes to {s}.jobs), else the scheduled set's score.
-- Writes nothing. `max_bytes` is the server's max_job_bytes (8 MiB unless the setting
-- fabrik.max_job_bytes says otherwise: SET fabrik.max_job_bytes = 1048576).
CREATE FUNCTION {s}.prepare_job(job jsonb, now timestamptz, job_no integer,
    OUT jid text, OUT queue text, OUT priority smallint, OUT run_at_us bigint,
    OUT jobtype text, OUT payload bytea, OUT tracked boolean,
    OUT unique_key text, OUT unique_expires_us bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  args jsonb;
  retry integer;
  reserve_for integer;
  at_text text;
  created_at text;
  enqueued_at text;
  backtrace integer;
  custom jsonb;
  failure text;
  priority_value jsonb := job -> 'priority';
  priority_out text;
  at_time timestamptz;
  max_bytes integer := coalesce(nullif(current_setting('fabrik.max_job_bytes', true), '')::integer,
                                8388608);
  out text;
  extras text;
  unique_for jsonb;
  unique_until jsonb;
  window_ns numeric;
BEGIN
  IF job IS NULL OR jsonb_typeof(job) <> 'object' THEN
    PERFORM {s}.refuse('invalid JSON: a job must be a JSON object', job_no);
  END IF;
  -- The types JobCodec insists on when it reads a PUSH.
  jid := {s}.job_string(job, 'jid', job_no);
  jobtype := {s}.job_string(job, 'jobtype', job_no);
  IF jsonb_typeof(job -> 'args') NOT IN ('array', 'null') THEN
    PERFORM {s}.refuse('invalid JSON: args must be an array', job_no);
  END IF;
  args := nullif(job -> 'args', 'null'::jsonb);
  queue := {s}.job_string(job, 'queue', job_no);
  retry := {s}.job_int(job, 'retry', job_no);
  reserve_for := {s}.job_int(job, 'reserve_for', job_no);
  at_text := {s}.job_string(job, 'at', job_no);
  created_at := {s}.job_string(job, 'created_at', job_no);
  enqueued_at := {s}.job_string(job, 'enqueued_at', job_no);
  backtrace := {s}.job_int(job, 'backtrace', job_no);
  IF jsonb_typeof(job -> 'custom') NOT IN ('object', 'null') THEN
    PERFORM {s}.refuse('invalid JSON: custom must be an object', job_no);
  END IF;
  custom := nullif(job -> 'custom', 'null'::jsonb);
  IF jsonb_typeof(job -> 'failure') <> 'null' THEN
    failure := {s}.failure_json(job -> 'failure', job_no);
  END IF;

  -- JobValidator, first failure wins.
  retry := coalesce(retry, 25);
  IF jid IS NULL THEN
    jid := replace(gen_random_uuid()::text, '-', '');
  ELSIF length(jid) < 8 THEN
    -- The text of PUSH's refusal (JobValidator): the reference's words, then the rule.
    PERFORM {s}.refuse('jobs must have a reasonable jid parameter: at least 8 characters, got '
      || length(jid) || ' ("' || jid || '")', job_no);
  END IF;
  IF coalesce(jobtype, '') = '' THEN
    PERFORM {s}.refuse('jobs must have a jobtype parameter', job_no);
  END IF;
  IF args IS NULL THEN
    PERFORM {s}.refuse('jobs must have an args parameter', job_no);
  END IF;
  IF reserve_for > 86400 THEN
    PERFORM {s}.refuse('jobs cannot be reserved for more than one day', job_no);
  END IF;
  IF coalesce(created_at, '') = '' THEN
    created_at := {s}.rfc3339(now);
  END IF;
  IF coalesce(queue, '') = '' THEN
    queue := 'default';
  END IF;
  IF coalesce(at_text, '') <> '' THEN
    at_time := {s}.parse_rfc3339(at_text);
    IF at_time IS NULL THEN
      PERFORM {s}.refuse('invalid timestamp for ''at'': "' || {s}.excerpt(at_text) || '"',
                         job_no);
    END IF;
  END IF;
  IF queue !~ '^[a-zA-Z0-9._-]+$' THEN
    PERFORM {s}.refuse('cannot get "' || {s}.excerpt(queue)
                       || '" queue: queue names must match \A[a-zA-Z0-9._-]+\z', job_no);
  END IF;
  -- PriorityField: a whole number is clamped into 1..9; anything else but null is refused.
  priority := 5;
  IF priority_value IS NOT NULL AND jsonb_typeof(priority_value) <> 'null' THEN
    IF jsonb_typeof(priority_value) <> 'number'
       OR priority_value::numeric <> trunc(priority_value::numeric) THEN
      PERFORM {s}.refuse('invalid priority ' || {s}.excerpt({s}.compact_json(priority_value))
                         || ': it must be an integer from 1 to 9', job_no);
    END IF;
    priority := greatest(1, least(9, priority_value::numeric));
    priority_out := priority::text;
  END IF;

  -- The push hooks (ExpiringJobs) and tracking (recorded by store_jobs).
  tracked := false;
  IF custom IS NOT NULL THEN
    custom := {s}.stamp_expiry(custom, now, job_no);
    -- TrackedJobs.tracked: 1, true or "1".
    tracked := coalesce((custom -> 'track') IN ('1'::jsonb, 'true'::jsonb, '"1"'::jsonb), false);
  END IF;

  IF at_time > now THEN
    run_at_us := floor(extract(epoch FROM at_time) * 1000000)::bigint;
  ELSE
    enqueued_at := {s}.rfc3339(now);
  END IF;

  -- The payload in JobCodec's order; keys it does not know follow, as the client sent them.
  out := '{"jid":' || to_jsonb(jid)::text
      || ',"jobtype":' || to_jsonb(jobtype)::text
      || ',"args":' || {s}.compact_json(args)
      || ',"queue":' || to_jsonb(queue)::text
      || ',"retry":' || retry;
  IF coalesce(reserve_for, 0) <> 0 THEN
    out := out || ',"reserve_for":' || reserve_for;
  END IF;
  IF coalesce(at_text, '') <> '' THEN
    out := out || ',"at":' || to_jsonb(at_text)::text;
  END IF;
  out := out || ',"created_at":' || to_jsonb(created_at)::text;
  IF coalesce(enqueued_at, '') <> '' THEN
    out := out || ',"enqueued_at":' || to_jsonb(enqueued_at)::text;
  END IF;
  IF coalesce(backtrace, 0) <> 0 THEN
    out := out || ',"backtrace":' || backtrace;
  END IF;
  IF custom IS NOT NULL THEN
    out := out || ',"custom":' || {s}.compact_json(custom);
  END IF;
  IF failure IS NOT NULL THEN
    out := out || ',"failure":' || failure;
  END IF;
  SELECT string_agg(',' || to_jsonb(e.k)::text || ':'
                    || CASE WHEN e.k = 'priority' AND priority_out IS NOT NULL THEN priority_out
                            ELSE {s}.compact_json(e.v) END, '' ORDER BY e.n)
    INTO extras
    FROM jsonb_each(job) WITH ORDINALITY AS e(k, v, n)
   WHERE e.k NOT IN ('jid', 'jobtype', 'args', 'queue', 'retry', 'reserve_for', 'at',
                     'created_at', 'enqueued_at', 'backtrace', 'custom', 'failure');
  payload := convert_to(out || coalesce(extras, '') || '}', 'UTF8');
  IF octet_length(payload) > max_bytes THEN
    PERFORM {s}.refuse('job is too large: ' || octet_length(payload) || ' bytes, the limit is '
                       || max_bytes || ' bytes', job_no);
  END IF;

  -- UniqueOption.of: the lock key (SHA-256 of jobtype, queue and canonical args) and its end,
  -- the job's due time plus unique_for (nanoseconds rounded, at least one).
  unique_for := custom -> 'unique_for';
  IF unique_for IS NOT NULL AND jsonb_typeof(unique_for) <> 'null' THEN
    IF jsonb_typeof(unique_for) <> 'number' OR NOT unique_for::numeric > 0
       OR unique_for::numeric > 3155760000 THEN
      PERFORM {s}.refuse('custom.unique_for must be a positive number of seconds, got '
                         || {s}.excerpt({s}.compact_json(unique_for)), job_no);
    END IF;
    unique_until := custom -> 'unique_until';
    IF unique_until IS NOT NULL AND jsonb_typeof(unique_until) <> 'null'
       AND unique_until NOT IN ('"success"'::jsonb, '"start"'::jsonb) THEN
      PERFORM {s}.refuse('custom.unique_until must be "success" or "start", got '
                         || {s}.excerpt({s}.compact_json(unique_until)), job_no);
    END IF;
    window_ns := greatest(round(unique_for::numeric * 1000000000), 1);
    unique_key := encode(sha256(convert_to(jobtype, 'UTF8') || '\x00'::bytea
                                || convert_to(queue, 'UTF8') || '\x00'::bytea
                                || convert_to({s}.canonical_json(args, job_no), 'UTF8')), 'hex');
    unique_expires_us := coalesce(run_at_us, floor(extract(epoch FROM now) * 1000000)::bigint)
                         + floor(window_ns / 1000)::bigint;
  END IF;
END
$$;

-- Stores jobs (a JSON array) in one statement: their queues registered in name order (so two
-- transactions registering the same new queues never deadlock), due jobs appended to {s}.jobs in
-- array order (its trigger NOTIFYs {s}_enqueued at COMMIT), future ones added to the scheduled
-- set. All share one created_at instant, as a PUSHB's jobs do. `numbered` puts the job's job_no
-- (from 1) in error texts.
CREATE FUNCTION {s}.store_jobs(jobs jsonb, numbered boolean) RETURNS text[]
LANGUAGE sql VOLATILE AS $$
  WITH clock AS (SELECT clock_timestamp() AS now),
  p AS MATERIALIZED (
    SELECT t.n, x.*
      FROM clock, jsonb_array_elements($1) WITH ORDINALITY AS t(job, n),
           LATERAL {s}.prepare_job(t.job, clock.now, CASE WHEN $2 THEN t.n::integer END) AS x
  ),
  registered AS (
    INSERT INTO {s}.queues(name) SELECT DISTINCT queue FROM p ORDER BY 1
      ON CONFLICT (name) DO NOTHING
  ),
  -- Unique locks, as PgUniqueLocks claims them: a key is taken when free or expired, in key order
  -- (two transactions never wait on each other in a cycle); a key twice in one array goes to the
  -- first job. A job whose claim failed makes the statement raise (not_unique), so the whole call
  -- stores nothing; a concurrent transaction holding the key's row makes this one wait for its end.
  claimed AS (
    INSERT INTO {s}.unique_locks AS l (key, jid, expires_us, taken_us)
      SELECT DISTINCT ON (unique_key) unique_key, jid, unique_expires_us,
             (SELECT floor(extract(epoch FROM now) * 1000000)::bigint FROM clock)
        FROM p WHERE unique_key IS NOT NULL ORDER BY unique_key, n
      ON CONFLICT (key) DO UPDATE
        SET jid = excluded.jid, expires_us = excluded.expires_us, taken_us = excluded.taken_us
        WHERE l.expires_us <= excluded.taken_us
      RETURNING key
  ),
  refused AS (
    SELECT p.n FROM p
     -- CASE, not AND: the planner may order AND's terms; not_unique must run only for losers.
     WHERE CASE WHEN p.unique_key IS NOT NULL
                     AND (p.unique_key NOT IN (SELECT key FROM claimed)
                          OR p.n > (SELECT min(o.n) FROM p o WHERE o.unique_key = p.unique_key))
                THEN {s}.not_unique(CASE WHEN $2 THEN p.n::integer END)
                ELSE false END
  ),
  queued AS (
    INSERT INTO {s}.jobs(queue, priority, jid, payload)
      SELECT queue, priority, jid, payload FROM p WHERE run_at_us IS NULL ORDER BY n
  ),
  scheduled AS (
    INSERT INTO {s}.set_entries(set_name, score_us, jid, queue, jobtype, payload)
      SELECT 'scheduled', run_at_us, jid, queue, jobtype, payload
        FROM p WHERE run_at_us IS NOT NULL ORDER BY n
  ),
  -- A tracked job's record starts over as 'enqueued', as the server's Tracker writes it at PUSH
  -- (PgTrackStore); one row per jid even when the array names a jid twice.
  track AS (
    INSERT INTO {s}.job_tracking AS t (jid, state, percent, descr, updated_us, expires_us)
      SELECT DISTINCT ON (jid) jid, 'enqueued', NULL::integer, NULL::text,
             floor(extract(epoch FROM clock.now) * 1000000)::bigint, NULL::bigint
        FROM p, clock WHERE tracked ORDER BY jid
      ON CONFLICT (jid) DO UPDATE SET state = 'enqueued', percent = NULL, descr = NULL,
        updated_us = excluded.updated_us, expires_us = NULL
  )
  SELECT CASE WHEN EXISTS (SELECT 1 FROM refused) THEN NULL
              ELSE coalesce(array_agg(jid ORDER BY n), '{}') END FROM p
$$;

-- Enqueues one job in the caller's transaction; returns its jid.
CREATE FUNCTION {s}.push(job jsonb) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN ({s}.store_jobs(jsonb_build_array(job), false))[1];
END
$$;

-- Enqueues a JSON array of jobs in the caller's transaction, all or none; returns their jids in
-- array order.
CREATE FUNCTION {s}.push_bulk(jobs jsonb) RETURNS text[] LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF jobs IS NULL OR jsonb_typeof(jobs) <> 'array' THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = 'invalid JSON: expected a JSON array of jobs';
  END IF;
  RETURN {s}.store_jobs(jobs, true);
END
$$;
