-- Receipts in [from, until) by site and status, from the minute rollup.
SELECT site_code, return_status, sum(receipts)::BIGINT AS receipts
FROM receipt_minute
WHERE minute >= $from_ts AND minute < $until_ts
GROUP BY site_code, return_status
