-- Cancellations, returns and tax per site in [from, until), every configured site listed.
SELECT s.site_code,
       coalesce(sum(a.cancelled_lists), 0)::BIGINT AS cancelled_lists,
       coalesce(sum(a.cancelled_value_fen), 0)::BIGINT AS cancelled_value_fen,
       coalesce(sum(a.returned_value), 0)::DECIMAL(38, 10) AS returned_value,
       coalesce(sum(a.tax_assessed), 0)::DECIMAL(38, 5) AS tax_assessed,
       coalesce(sum(a.tax_voided), 0)::DECIMAL(38, 5) AS tax_voided
FROM site s
LEFT JOIN adjustment_minute a
       ON a.site_code = s.site_code AND a.minute >= $from_ts AND a.minute < $until_ts
GROUP BY s.site_code
ORDER BY s.site_code
