-- Whether any figure of [from, until) comes from the simulator: its receipts
-- (by the sources it writes as) or back-filled history. The time bounds let
-- DuckDB skip row groups outside the window.
SELECT
    EXISTS (SELECT 1 FROM receipt
            WHERE return_time >= $from_ts AND return_time < $until_ts AND list_contains($sources, source))
    OR EXISTS (SELECT 1 FROM backfill_range WHERE until_minute > $from_ts AND from_minute < $until_ts)
