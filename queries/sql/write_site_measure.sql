-- A batch of site measures: one value per (minute, site, measure), the first
-- sent in a minute; a minute the store holds already is left as it is.
INSERT INTO site_measure
SELECT b.minute, b.site_code, b.measure, b.value, $source
FROM (SELECT date_trunc('minute', sampled_at) AS minute, site_code, measure,
             arg_min(value, sampled_at) AS value
      FROM batch_site_measure
      GROUP BY ALL) b
WHERE NOT EXISTS (
    SELECT 1 FROM site_measure s
    WHERE s.minute BETWEEN date_trunc('minute', $lo::TIMESTAMP) AND $hi
      AND s.site_code = b.site_code AND s.measure = b.measure AND s.minute = b.minute)
