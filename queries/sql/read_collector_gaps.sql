-- Silences of [from, until): stretches longer than $gap_s seconds in which a collector
-- finished no run (the process was down, or the collector hung), and runs that failed.
WITH runs AS (
    SELECT collector, started_at, finished_at, outcome,
           lag(finished_at) OVER (PARTITION BY collector ORDER BY finished_at) AS previous_end
    FROM collector_run
    WHERE finished_at >= $from_ts AND finished_at < $until_ts
)
SELECT previous_end AS from_ts, started_at AS until_ts
FROM runs
WHERE previous_end IS NOT NULL AND epoch(started_at) - epoch(previous_end) > $gap_s
UNION ALL
SELECT started_at, finished_at FROM runs WHERE outcome IN ('error', 'timeout')
ORDER BY from_ts
