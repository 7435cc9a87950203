-- One batch of format rejects (CEB900, batch_format_reject): each reject once,
-- counted in the minute of its return time by the type of message rejected.

-- name: fresh
CREATE OR REPLACE TEMP TABLE fresh_reject AS
SELECT DISTINCT ON (guid) * FROM batch_format_reject b
WHERE NOT EXISTS (SELECT 1 FROM format_reject r WHERE r.return_time BETWEEN $lo AND $hi AND r.guid = b.guid)

-- name: insert
INSERT INTO format_reject
SELECT guid, ori_message_type, ori_cop_msg_id, return_status, return_time, return_info, $source, $ingested_at
FROM fresh_reject

-- name: minute
INSERT INTO reject_minute
SELECT date_trunc('minute', return_time), ori_message_type, count(*) FROM fresh_reject GROUP BY ALL
ON CONFLICT DO UPDATE SET rejects = reject_minute.rejects + excluded.rejects

-- name: by_type
SELECT ori_message_type, count(*) FROM fresh_reject GROUP BY ALL
