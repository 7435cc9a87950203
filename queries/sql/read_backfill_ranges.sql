-- Ranges of simulated history (aggregates, not records) that touch [from, until).
SELECT from_minute, until_minute, source
FROM backfill_range
WHERE until_minute > $from_ts AND from_minute < $until_ts
ORDER BY from_minute
