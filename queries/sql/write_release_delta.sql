CREATE OR REPLACE TEMP TABLE release_delta AS
SELECT date_trunc('minute', released_at) AS minute,
       coalesce(site_code, 'unknown') AS site_code,
       coalesce(platform_code, 'unknown') AS platform_code,
       sign * 1 AS n,
       sign * (goods_value_fen IS NOT NULL)::INTEGER AS valued,
       sign * coalesce(goods_value_fen, 0) AS value_fen
FROM (SELECT *, 1 AS sign FROM released_after
      UNION ALL
      SELECT *, -1 AS sign FROM released_before)
