-- Signal: files set aside in the look-back, per source; with none ever set aside,
-- one zero for all sources (nothing quarantined is a value, not missing data).
SELECT source, count(*) FILTER (WHERE quarantined_at > $since AND quarantined_at <= $now)::DOUBLE AS value
FROM quarantine_event
GROUP BY ALL
UNION ALL
SELECT 'all', 0.0 WHERE NOT EXISTS (SELECT 1 FROM quarantine_event)
