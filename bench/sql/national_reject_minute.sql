-- One district's year of reject_minute: a few format rejects an hour.
SELECT d::DATE AS date,
       d + to_minutes(h * 60 + 7) AS minute,
       ['CEB621', 'CEB623', 'CEB625'][1 + h % 3] AS message_type,
       (1 + hash(d, h, $seed) % 3)::BIGINT AS rejects
FROM range($first::TIMESTAMP, $first::TIMESTAMP + to_days($days), INTERVAL 1 DAY) AS t(d), range(24) AS hh(h)
ORDER BY date
