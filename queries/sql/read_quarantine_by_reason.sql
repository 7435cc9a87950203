-- Files set aside since a time, grouped by the first words of their reason.
SELECT split_part(reason, ':', 1) AS reason, count(*) AS files, sum(records_refused) AS records_refused
FROM quarantine_event
WHERE quarantined_at >= $from_ts
GROUP BY 1
ORDER BY files DESC
