-- Silences that have not ended by $now, soonest to end first.
SELECT id, matchers, starts_at, ends_at, created_by, comment, created_at
FROM alert_silence WHERE ends_at > $now ORDER BY ends_at
