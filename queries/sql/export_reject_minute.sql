-- A day's format rejects per minute and type of message rejected, for the Parquet export.
SELECT minute, message_type, rejects
FROM reject_minute
WHERE minute >= $from_ts AND minute < $until_ts
ORDER BY minute, message_type
