-- The latest files set aside, newest first, with their reasons.
SELECT quarantined_at, source, file_name, moved_to, reason, line, records_kept, records_refused
FROM quarantine_event
ORDER BY quarantined_at DESC
LIMIT $limit
