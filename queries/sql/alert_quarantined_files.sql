-- Signal: files set aside in the look-back, per source; one row per source that ever quarantined.
SELECT source, count(*) FILTER (WHERE quarantined_at > $since AND quarantined_at <= $now)::DOUBLE AS value
FROM quarantine_event
GROUP BY ALL
