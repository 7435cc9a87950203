SELECT coalesce(sum(released_lists), 0)::bigint AS released_lists,
       coalesce(sum(goods_value_fen), 0)::bigint AS goods_value_fen,
       coalesce(sum(valued_lists), 0)::bigint AS valued_lists
FROM release_minute
WHERE minute >= %(from_ts)s AND minute < %(until_ts)s
