-- A field is taken from the batch when its version is at least as new as the
-- stored one: the newest version wins whatever the arrival order.
INSERT INTO inventory_list (ebc_code, cop_no, invt_no, site_code, platform_code, warehouse_code,
                            category_code, app_time, app_type, goods_value_fen, line_count, declared_at)
SELECT ebc_code, cop_no, invt_no, site_code, platform_code, warehouse_code,
       category_code, app_time, app_type, goods_value_fen, line_count, app_time
FROM touched
ON CONFLICT (cop_no, ebc_code) DO UPDATE SET
    invt_no = coalesce(excluded.invt_no, inventory_list.invt_no),
    site_code = CASE WHEN (inventory_list.app_time IS NULL OR (excluded.app_time, excluded.goods_value_fen, excluded.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN coalesce(excluded.site_code, inventory_list.site_code) ELSE inventory_list.site_code END,
    platform_code = CASE WHEN (inventory_list.app_time IS NULL OR (excluded.app_time, excluded.goods_value_fen, excluded.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN coalesce(excluded.platform_code, inventory_list.platform_code) ELSE inventory_list.platform_code END,
    warehouse_code = CASE WHEN (inventory_list.app_time IS NULL OR (excluded.app_time, excluded.goods_value_fen, excluded.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN excluded.warehouse_code ELSE inventory_list.warehouse_code END,
    category_code = CASE WHEN (inventory_list.app_time IS NULL OR (excluded.app_time, excluded.goods_value_fen, excluded.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN excluded.category_code ELSE inventory_list.category_code END,
    app_type = CASE WHEN (inventory_list.app_time IS NULL OR (excluded.app_time, excluded.goods_value_fen, excluded.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN excluded.app_type ELSE inventory_list.app_type END,
    goods_value_fen = CASE WHEN (inventory_list.app_time IS NULL OR (excluded.app_time, excluded.goods_value_fen, excluded.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN excluded.goods_value_fen ELSE inventory_list.goods_value_fen END,
    line_count = CASE WHEN (inventory_list.app_time IS NULL OR (excluded.app_time, excluded.goods_value_fen, excluded.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN excluded.line_count ELSE inventory_list.line_count END,
    app_time = CASE WHEN (inventory_list.app_time IS NULL OR (excluded.app_time, excluded.goods_value_fen, excluded.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN excluded.app_time ELSE inventory_list.app_time END,
    declared_at = least(inventory_list.declared_at, excluded.declared_at)
