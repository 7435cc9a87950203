INSERT INTO quarantine_event
SELECT quarantined_at, $source, file_name, moved_to, reason, line, records_kept, records_refused
FROM batch_quarantine
