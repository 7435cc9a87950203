-- A day's receipts per minute, site and status, for the Parquet export.
SELECT minute, site_code, return_status, receipts
FROM receipt_minute
WHERE minute >= $from_ts AND minute < $until_ts
ORDER BY minute, site_code, return_status
