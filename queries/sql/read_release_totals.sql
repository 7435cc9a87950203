-- Released lists (first 800 receipt) and their goods value in [from, until).
SELECT coalesce(sum(released_lists), 0)::BIGINT AS released_lists,
       coalesce(sum(goods_value_fen), 0)::BIGINT AS goods_value_fen,
       coalesce(sum(valued_lists), 0)::BIGINT AS valued_lists
FROM release_minute
WHERE minute >= $from_ts AND minute < $until_ts
