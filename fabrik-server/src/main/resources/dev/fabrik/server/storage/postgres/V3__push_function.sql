-- Version 3: fabrik.push(jsonb), transactional enqueue in plain SQL.
SELECT 1;
