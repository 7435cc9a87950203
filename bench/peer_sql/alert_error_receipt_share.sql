SELECT site_code AS site,
       (sum(receipts) FILTER (WHERE return_status IN (4, 100) OR return_status < 0))::double precision
       / sum(receipts) AS value
FROM receipt_minute
WHERE minute >= %(since)s AND minute < %(now)s
GROUP BY site_code
HAVING sum(receipts) > 0
