-- One district's year of adjustment_minute: cancellations, returns and tax in
-- about one row of five of release_minute (a day of 2019-11-11 held 3,600).
SELECT d::DATE AS date,
       d + to_minutes(m) AS minute,
       ['bsq', 'hzw', 'meishan', 'lishe'][1 + c % 4] AS site_code,
       'SIMEBP000' || (1 + c % 9)::VARCHAR AS platform_code,
       ['1210', '9610', '1210', 'other'][1 + c % 4] AS trade_mode,
       (hash(d, m, c, $seed) % 2)::BIGINT AS cancelled_lists,
       (hash(d, m, c, $seed) % 2 * 21000)::BIGINT AS cancelled_value_fen,
       ((hash(d, m, c) % 300) / 10)::DECIMAL(38, 10) AS returned_value,
       ((hash(m, c, $seed) % 90000) / 1000)::DECIMAL(38, 5) AS tax_assessed,
       0::DECIMAL(38, 5) AS tax_voided
FROM range($first::TIMESTAMP, $first::TIMESTAMP + to_days($days), INTERVAL 1 DAY) AS t(d),
     range(1440) AS mm(m), range(3) AS cc(c)
ORDER BY date
