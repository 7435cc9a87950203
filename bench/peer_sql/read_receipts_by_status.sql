SELECT site_code, return_status, sum(receipts)::bigint AS receipts
FROM receipt_minute
WHERE minute >= %(from_ts)s AND minute < %(until_ts)s
GROUP BY site_code, return_status
