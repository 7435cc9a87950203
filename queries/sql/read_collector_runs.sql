-- The latest runs of every collector, newest first.
SELECT collector, started_at, finished_at, outcome, records, error
FROM collector_run
ORDER BY finished_at DESC
LIMIT $limit
