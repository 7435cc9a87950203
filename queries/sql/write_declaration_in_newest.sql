-- The newest version of each list in the batch (ties broken by value, so the
-- outcome does not depend on arrival order).
CREATE OR REPLACE TEMP VIEW declaration_in AS
FROM batch_declaration
QUALIFY row_number() OVER (PARTITION BY ebc_code, cop_no
                           ORDER BY app_time DESC, goods_value_fen DESC, category_code DESC) = 1
