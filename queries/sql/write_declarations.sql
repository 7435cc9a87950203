-- One batch of declarations (CEB621), in one transaction, statement by statement
-- in the order collectors/sinks/duckdb_sink.py runs them. The batch is registered
-- as batch_declaration; the release rollup then follows write_release_change.sql.

-- name: repeats
-- Whether the batch may hold a list twice (see write_receipts.sql, `repeats`).
SELECT count(*) FROM (
    SELECT hash(ebc_code, cop_no) FROM batch_declaration GROUP BY 1 HAVING count(*) > 1)

-- name: in_as_is
-- The batch's declarations, every list once already (`repeats` said so).
CREATE OR REPLACE TEMP VIEW declaration_in AS FROM batch_declaration

-- name: in_newest
-- The newest version of each list in the batch (ties broken by value, so the
-- outcome does not depend on arrival order).
CREATE OR REPLACE TEMP VIEW declaration_in AS
FROM batch_declaration
QUALIFY row_number() OVER (PARTITION BY ebc_code, cop_no
                           ORDER BY app_time DESC, goods_value_fen DESC, category_code DESC) = 1

-- name: touched
-- The lists of the batch with their reference codes resolved.
CREATE OR REPLACE TEMP TABLE touched AS
SELECT b.ebc_code, b.cop_no, b.invt_no, s.site_code, p.platform_code, w.warehouse_code,
       b.category_code, b.app_time, b.app_type, b.goods_value_fen, b.line_count,
       b.trade_mode, b.line_gnum, b.line_price, b.line_qty
FROM declaration_in b
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
LEFT JOIN platform p ON p.ebp_code = b.ebp_code
LEFT JOIN warehouse w ON w.area_code = b.area_code

-- name: touched_count
SELECT count(*) FROM touched

-- name: known
-- Lists of the batch whose stored version is already this new: repeats.
SELECT count(*)
FROM touched t JOIN inventory_list l ON l.ebc_code = t.ebc_code AND l.cop_no = t.cop_no
WHERE l.app_time >= t.app_time

-- name: merge_lists
-- A field is taken from the batch when its version is at least as new as the
-- stored one: the newest version wins whatever the arrival order. Lists not
-- stored yet are added by `insert_lists`.
UPDATE inventory_list SET
    invt_no = coalesce(t.invt_no, inventory_list.invt_no),
    site_code = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN coalesce(t.site_code, inventory_list.site_code) ELSE inventory_list.site_code END,
    platform_code = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN coalesce(t.platform_code, inventory_list.platform_code) ELSE inventory_list.platform_code END,
    warehouse_code = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.warehouse_code ELSE inventory_list.warehouse_code END,
    category_code = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.category_code ELSE inventory_list.category_code END,
    app_type = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.app_type ELSE inventory_list.app_type END,
    goods_value_fen = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.goods_value_fen ELSE inventory_list.goods_value_fen END,
    line_count = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.line_count ELSE inventory_list.line_count END,
    trade_mode = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.trade_mode ELSE inventory_list.trade_mode END,
    line_gnum = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.line_gnum ELSE inventory_list.line_gnum END,
    line_price = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.line_price ELSE inventory_list.line_price END,
    line_qty = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.line_qty ELSE inventory_list.line_qty END,
    app_time = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.app_time ELSE inventory_list.app_time END,
    declared_at = least(inventory_list.declared_at, t.app_time)
FROM touched t
WHERE inventory_list.ebc_code = t.ebc_code AND inventory_list.cop_no = t.cop_no
  AND inventory_list.cop_no BETWEEN $cop_lo AND $cop_hi

-- name: insert_lists
-- Lists declared for the first time.
INSERT INTO inventory_list (ebc_code, cop_no, invt_no, site_code, platform_code, warehouse_code,
                            category_code, app_time, app_type, goods_value_fen, line_count, declared_at,
                            trade_mode, line_gnum, line_price, line_qty)
SELECT ebc_code, cop_no, invt_no, site_code, platform_code, warehouse_code,
       category_code, app_time, app_type, goods_value_fen, line_count, app_time,
       trade_mode, line_gnum, line_price, line_qty
FROM touched t
WHERE NOT EXISTS (SELECT 1 FROM inventory_list l WHERE l.ebc_code = t.ebc_code AND l.cop_no = t.cop_no
                  AND l.cop_no BETWEEN $cop_lo AND $cop_hi)
