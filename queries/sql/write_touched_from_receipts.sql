-- What the fresh receipts say about each list; merged into inventory_list with
-- min/max so the result does not depend on arrival order.
CREATE OR REPLACE TEMP TABLE touched AS
SELECT ebc_code, cop_no,
       max(invt_no) AS invt_no,
       max(site_code) AS site_code,
       max(platform_code) AS platform_code,
       min(return_time) FILTER (WHERE return_status = 2) AS declared_at,
       min(return_time) FILTER (WHERE return_status = 120) AS accepted_at,
       min(return_time) FILTER (WHERE return_status = 800) AS released_at,
       arg_max(return_status, (return_time, return_status)) AS last_status,
       max(return_time) AS last_status_at
FROM fresh_receipt
GROUP BY ebc_code, cop_no
