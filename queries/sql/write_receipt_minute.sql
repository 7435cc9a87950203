INSERT INTO receipt_minute
SELECT date_trunc('minute', return_time), coalesce(site_code, 'unknown'), return_status, count(*)
FROM fresh_receipt
GROUP BY ALL
ON CONFLICT DO UPDATE SET receipts = receipt_minute.receipts + excluded.receipts
