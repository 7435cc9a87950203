-- Per district over [first, last], from the national table of the districts' day_total
-- rows: the same sums as national_by_district.sql over the same files.
SELECT district, count(DISTINCT date) AS days,
       sum(released_lists)::BIGINT, sum(goods_value_fen)::BIGINT, sum(valued_lists)::BIGINT,
       sum(cancelled_lists)::BIGINT, sum(cancelled_value_fen)::BIGINT,
       sum(returned_value)::DECIMAL(38, 10), sum(tax_assessed)::DECIMAL(38, 5), sum(tax_voided)::DECIMAL(38, 5),
       sum(format_rejects)::BIGINT
FROM national_day_total
WHERE date BETWEEN $first AND $last AND released_lists IS NOT NULL
GROUP BY district
ORDER BY district
