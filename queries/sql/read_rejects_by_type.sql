-- Format rejects (CEB900) in [from, until), by the type of message rejected.
SELECT message_type, sum(rejects)::BIGINT AS rejects
FROM reject_minute
WHERE minute >= $from_ts AND minute < $until_ts
GROUP BY message_type
ORDER BY message_type
