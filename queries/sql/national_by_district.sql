-- Per district over the days [first, last], from the districts' Parquet exports (hive
-- folders district=<code>/date=<day>, so only those days' files are read): released
-- lists and goods value, cancellations, returns, tax and format rejects. A district
-- that exported those days without data is listed with zeros.
WITH exported AS (
    SELECT regexp_extract(file, 'district=([^/]+)/', 1) AS district,
           count(DISTINCT regexp_extract(file, 'date=([0-9-]+)/', 1)::DATE) AS days
    FROM glob($release_files)
    WHERE regexp_extract(file, 'date=([0-9-]+)/', 1)::DATE BETWEEN $first AND $last
    GROUP BY ALL
), released AS (
    SELECT district, sum(released_lists)::BIGINT AS released_lists, sum(goods_value_fen)::BIGINT AS goods_value_fen,
           sum(valued_lists)::BIGINT AS valued_lists
    FROM read_parquet($release_files, hive_partitioning = true, hive_types = {'district': VARCHAR, 'date': DATE})
    WHERE date BETWEEN $first AND $last
    GROUP BY district
), adjusted AS (
    SELECT district, sum(cancelled_lists)::BIGINT AS cancelled_lists,
           sum(cancelled_value_fen)::BIGINT AS cancelled_value_fen,
           sum(returned_value)::DECIMAL(38, 10) AS returned_value,
           sum(tax_assessed)::DECIMAL(38, 5) AS tax_assessed, sum(tax_voided)::DECIMAL(38, 5) AS tax_voided
    FROM read_parquet($adjustment_files, hive_partitioning = true, hive_types = {'district': VARCHAR, 'date': DATE})
    WHERE date BETWEEN $first AND $last
    GROUP BY district
), rejected AS (
    SELECT district, sum(rejects)::BIGINT AS format_rejects
    FROM read_parquet($reject_files, hive_partitioning = true, hive_types = {'district': VARCHAR, 'date': DATE})
    WHERE date BETWEEN $first AND $last
    GROUP BY district
)
SELECT district, e.days,
       coalesce(r.released_lists, 0), coalesce(r.goods_value_fen, 0), coalesce(r.valued_lists, 0),
       coalesce(a.cancelled_lists, 0), coalesce(a.cancelled_value_fen, 0),
       coalesce(a.returned_value, 0)::DECIMAL(38, 10),
       coalesce(a.tax_assessed, 0)::DECIMAL(38, 5), coalesce(a.tax_voided, 0)::DECIMAL(38, 5),
       coalesce(j.format_rejects, 0)
FROM exported e
LEFT JOIN released r USING (district)
LEFT JOIN adjusted a USING (district)
LEFT JOIN rejected j USING (district)
ORDER BY district
