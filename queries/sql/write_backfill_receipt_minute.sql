INSERT INTO receipt_minute
SELECT b.* FROM batch_receipt_minute b
WHERE NOT EXISTS (SELECT 1 FROM receipt_minute r
                  WHERE r.minute BETWEEN $lo AND $hi AND r.minute = b.minute)
