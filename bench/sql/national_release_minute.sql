-- One district's year of release_minute as its exports hold it: every minute, 13
-- site × platform × trade-mode combinations with releases (an ordinary Ningbo day
-- exported 18,620 such rows), a promotion day (11-11) ten times the lists.
SELECT d::DATE AS date,
       d + to_minutes(m) AS minute,
       ['bsq', 'hzw', 'meishan', 'lishe'][1 + c % 4] AS site_code,
       'SIMEBP000' || (1 + c % 9)::VARCHAR AS platform_code,
       ['1210', '9610', '1210', 'other'][1 + c % 4] AS trade_mode,
       n AS released_lists,
       n AS valued_lists,
       n * (15000 + hash(c, m) % 10000)::BIGINT AS goods_value_fen
FROM range($first::TIMESTAMP, $first::TIMESTAMP + to_days($days), INTERVAL 1 DAY) AS t(d),
     range(1440) AS mm(m), range(13) AS cc(c),
     LATERAL (SELECT ((1 + hash(d, m, c, $seed) % 30)
                      * CASE WHEN strftime(d, '%m-%d') = '11-11' THEN 10 ELSE 1 END)::BIGINT AS n)
ORDER BY date
