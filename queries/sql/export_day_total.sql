-- A day's totals (one row), for the national report over days and months: released
-- lists and goods value, cancellations, returns, tax and format rejects.
SELECT r.released_lists, r.goods_value_fen, r.valued_lists,
       a.cancelled_lists, a.cancelled_value_fen, a.returned_value, a.tax_assessed, a.tax_voided,
       j.format_rejects
FROM (SELECT coalesce(sum(released_lists), 0)::BIGINT AS released_lists,
             coalesce(sum(goods_value_fen), 0)::BIGINT AS goods_value_fen,
             coalesce(sum(valued_lists), 0)::BIGINT AS valued_lists
      FROM release_minute WHERE minute >= $from_ts AND minute < $until_ts) r,
     (SELECT coalesce(sum(cancelled_lists), 0)::BIGINT AS cancelled_lists,
             coalesce(sum(cancelled_value_fen), 0)::BIGINT AS cancelled_value_fen,
             coalesce(sum(returned_value), 0)::DECIMAL(38, 10) AS returned_value,
             coalesce(sum(tax_assessed), 0)::DECIMAL(38, 5) AS tax_assessed,
             coalesce(sum(tax_voided), 0)::DECIMAL(38, 5) AS tax_voided
      FROM adjustment_minute WHERE minute >= $from_ts AND minute < $until_ts) a,
     (SELECT coalesce(sum(rejects), 0)::BIGINT AS format_rejects
      FROM reject_minute WHERE minute >= $from_ts AND minute < $until_ts) j
