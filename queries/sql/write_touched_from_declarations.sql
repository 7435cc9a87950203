-- The lists of the batch with their reference codes resolved.
CREATE OR REPLACE TEMP TABLE touched AS
SELECT b.ebc_code, b.cop_no, b.invt_no, s.site_code, p.platform_code, w.warehouse_code,
       b.category_code, b.app_time, b.app_type, b.goods_value_fen, b.line_count
FROM declaration_in b
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
LEFT JOIN platform p ON p.ebp_code = b.ebp_code
LEFT JOIN warehouse w ON w.area_code = b.area_code
