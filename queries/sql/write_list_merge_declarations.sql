-- A field is taken from the batch when its version is at least as new as the
-- stored one: the newest version wins whatever the arrival order. Lists not
-- stored yet are added by write_list_insert_declarations.
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
    app_time = CASE WHEN (inventory_list.app_time IS NULL OR (t.app_time, t.goods_value_fen, t.category_code) >= (inventory_list.app_time, inventory_list.goods_value_fen, inventory_list.category_code))
        THEN t.app_time ELSE inventory_list.app_time END,
    declared_at = least(inventory_list.declared_at, t.app_time)
FROM touched t
WHERE inventory_list.ebc_code = t.ebc_code AND inventory_list.cop_no = t.cop_no
