INSERT INTO health_sample
SELECT b.sampled_at, b.site_code, b.component, b.kind, b.metric, b.value, $source
FROM batch_health b
WHERE NOT EXISTS (
    SELECT 1 FROM health_sample h
    WHERE h.sampled_at BETWEEN $lo AND $hi
      AND h.site_code = b.site_code AND h.component = b.component
      AND h.metric = b.metric AND h.sampled_at = b.sampled_at)
