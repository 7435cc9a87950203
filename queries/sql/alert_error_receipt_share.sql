-- Signal: per site, the share of receipts in the look-back that report an error
-- (send failed 4, rejected 100, processing error < 0); sites with no receipts give none.
SELECT site_code AS site,
       sum(receipts) FILTER (WHERE return_status IN (4, 100) OR return_status < 0) / sum(receipts) AS value
FROM receipt_minute
WHERE minute >= $since AND minute < $now
GROUP BY ALL
HAVING sum(receipts) > 0
