-- The newest digest runs first.
SELECT job, for_date, due_at, ran_at, outcome, files, attempts, detail
FROM digest_run
ORDER BY ran_at DESC
LIMIT $limit
