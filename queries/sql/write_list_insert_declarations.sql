-- Lists declared for the first time.
INSERT INTO inventory_list (ebc_code, cop_no, invt_no, site_code, platform_code, warehouse_code,
                            category_code, app_time, app_type, goods_value_fen, line_count, declared_at)
SELECT ebc_code, cop_no, invt_no, site_code, platform_code, warehouse_code,
       category_code, app_time, app_type, goods_value_fen, line_count, app_time
FROM touched t
WHERE NOT EXISTS (SELECT 1 FROM inventory_list l WHERE l.ebc_code = t.ebc_code AND l.cop_no = t.cop_no)
