-- One district's day totals from its generated minute rollups (registered as
-- release, adjustment and reject), the one row a day core/exports.py writes as day_total.
WITH r AS (
    SELECT date, sum(released_lists)::BIGINT AS released_lists, sum(goods_value_fen)::BIGINT AS goods_value_fen,
           sum(valued_lists)::BIGINT AS valued_lists
    FROM release GROUP BY date
), a AS (
    SELECT date, sum(cancelled_lists)::BIGINT AS cancelled_lists,
           sum(cancelled_value_fen)::BIGINT AS cancelled_value_fen,
           sum(returned_value)::DECIMAL(38, 10) AS returned_value,
           sum(tax_assessed)::DECIMAL(38, 5) AS tax_assessed, sum(tax_voided)::DECIMAL(38, 5) AS tax_voided
    FROM adjustment GROUP BY date
), j AS (
    SELECT date, sum(rejects)::BIGINT AS format_rejects FROM reject GROUP BY date
)
SELECT date, released_lists, goods_value_fen, valued_lists, cancelled_lists, cancelled_value_fen,
       returned_value, tax_assessed, tax_voided, format_rejects
FROM r JOIN a USING (date) JOIN j USING (date)
ORDER BY date
