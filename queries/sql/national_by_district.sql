-- Per district over some days, from the districts' Parquet exports: the day_total
-- files of those days only (hive folders district=<code>/date=<day>, listed by the
-- caller), released lists and goods value, cancellations, returns, tax and format
-- rejects. A district that exported those days without data is listed with zeros.
SELECT district, count(DISTINCT date) AS days,
       sum(released_lists)::BIGINT, sum(goods_value_fen)::BIGINT, sum(valued_lists)::BIGINT,
       sum(cancelled_lists)::BIGINT, sum(cancelled_value_fen)::BIGINT,
       sum(returned_value)::DECIMAL(38, 10), sum(tax_assessed)::DECIMAL(38, 5), sum(tax_voided)::DECIMAL(38, 5),
       sum(format_rejects)::BIGINT
FROM read_parquet($files, hive_partitioning = true, hive_types = {'district': VARCHAR, 'date': DATE})
GROUP BY district
ORDER BY district
