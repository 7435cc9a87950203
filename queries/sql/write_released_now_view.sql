-- The released lists among those the batch touches, as they stand now; taken
-- before and after the merge, their difference is the rollup change.
CREATE OR REPLACE TEMP VIEW released_now AS
SELECT l.released_at, l.site_code, l.platform_code, l.goods_value_fen
FROM inventory_list l SEMI JOIN touched t ON l.ebc_code = t.ebc_code AND l.cop_no = t.cop_no
WHERE l.released_at IS NOT NULL
