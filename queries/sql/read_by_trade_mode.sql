-- Released lists, goods value and their adjustments per trade mode in [from, until).
WITH released AS (
    SELECT trade_mode, sum(released_lists)::BIGINT AS released_lists, sum(goods_value_fen)::BIGINT AS goods_value_fen
    FROM release_minute WHERE minute >= $from_ts AND minute < $until_ts GROUP BY ALL
), adjusted AS (
    SELECT trade_mode, sum(cancelled_lists)::BIGINT AS cancelled_lists,
           sum(cancelled_value_fen)::BIGINT AS cancelled_value_fen,
           sum(returned_value)::DECIMAL(38, 10) AS returned_value,
           sum(tax_assessed)::DECIMAL(38, 5) AS tax_assessed, sum(tax_voided)::DECIMAL(38, 5) AS tax_voided
    FROM adjustment_minute WHERE minute >= $from_ts AND minute < $until_ts GROUP BY ALL
)
SELECT trade_mode,
       coalesce(r.released_lists, 0), coalesce(r.goods_value_fen, 0),
       coalesce(a.cancelled_lists, 0), coalesce(a.cancelled_value_fen, 0),
       coalesce(a.returned_value, 0)::DECIMAL(38, 10),
       coalesce(a.tax_assessed, 0)::DECIMAL(38, 5), coalesce(a.tax_voided, 0)::DECIMAL(38, 5)
FROM released r FULL JOIN adjusted a USING (trade_mode)
ORDER BY trade_mode
