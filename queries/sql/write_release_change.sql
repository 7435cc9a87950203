-- How a batch's merge into inventory_list changes the releases: the released
-- lists it touches before and after the merge, and the difference added to
-- release_minute, release_category_minute and release_latency_minute. `before`
-- runs ahead of the merge, the rest after it.

-- name: touched_placeholder
CREATE OR REPLACE TEMP TABLE touched (ebc_code VARCHAR, cop_no VARCHAR, invt_no VARCHAR)

-- name: released_now_view
-- The released lists among those the batch touches, as they stand now; taken
-- before and after the merge, their difference is the rollup change.
CREATE OR REPLACE TEMP VIEW released_now AS
SELECT l.released_at, l.site_code, l.platform_code, l.trade_mode, l.goods_value_fen, l.category_code,
       l.declared_at
FROM inventory_list l SEMI JOIN touched t ON l.ebc_code = t.ebc_code AND l.cop_no = t.cop_no
WHERE l.released_at IS NOT NULL

-- name: touched_bounds
-- The range of the touched lists' numbers: bounds `merge_lists` and
-- `insert_lists` to the stored lists in it, which DuckDB finds by their row
-- groups' ranges (zone maps) instead of reading or hashing every stored list.
SELECT min(cop_no), max(cop_no) FROM touched

-- name: before
CREATE OR REPLACE TEMP TABLE released_before AS FROM released_now

-- name: after
CREATE OR REPLACE TEMP TABLE released_after AS FROM released_now

-- name: delta
CREATE OR REPLACE TEMP TABLE release_delta AS
SELECT date_trunc('minute', released_at) AS minute,
       coalesce(site_code, 'unknown') AS site_code,
       coalesce(platform_code, 'unknown') AS platform_code,
       coalesce(trade_mode, 'unknown') AS trade_mode,
       coalesce(category_code, 'unknown') AS category_code,
       sign * 1 AS n,
       sign * (goods_value_fen IS NOT NULL)::INTEGER AS valued,
       sign * coalesce(goods_value_fen, 0) AS value_fen,
       CASE WHEN declared_at <= released_at THEN latency_cs(declared_at, released_at) END AS latency_cs
FROM (SELECT *, 1 AS sign FROM released_after
      UNION ALL
      SELECT *, -1 AS sign FROM released_before)

-- name: minute_delta
-- Applies the difference between the released-list snapshots taken after and
-- before a merge to the per-minute rollup.
INSERT INTO release_minute
SELECT minute, site_code, platform_code, trade_mode, sum(n), sum(valued), sum(value_fen)
FROM release_delta
GROUP BY ALL
HAVING sum(n) <> 0 OR sum(valued) <> 0 OR sum(value_fen) <> 0
ON CONFLICT DO UPDATE SET
    released_lists = release_minute.released_lists + excluded.released_lists,
    valued_lists = release_minute.valued_lists + excluded.valued_lists,
    goods_value_fen = release_minute.goods_value_fen + excluded.goods_value_fen

-- name: category_delta
-- The same difference by category: a late declaration moves its list out of 'unknown'.
INSERT INTO release_category_minute
SELECT minute, category_code, sum(n), sum(value_fen)
FROM release_delta
GROUP BY ALL
HAVING sum(n) <> 0 OR sum(value_fen) <> 0
ON CONFLICT DO UPDATE SET
    released_lists = release_category_minute.released_lists + excluded.released_lists,
    goods_value_fen = release_category_minute.goods_value_fen + excluded.goods_value_fen

-- name: latency_delta
-- The same difference by declaration-to-release time: a late declaration, or an
-- earlier receipt 2, gives a released list its time or moves it.
INSERT INTO release_latency_minute
SELECT minute, site_code, latency_cs, sum(n)
FROM release_delta
WHERE latency_cs IS NOT NULL
GROUP BY ALL
HAVING sum(n) <> 0
ON CONFLICT DO UPDATE SET lists = release_latency_minute.lists + excluded.lists

-- name: delta_by_site
SELECT site_code, platform_code, trade_mode, sum(n)::BIGINT AS lists, sum(value_fen)::BIGINT AS value_fen
FROM release_delta
GROUP BY ALL
HAVING sum(n) <> 0 OR sum(value_fen) <> 0
