-- Receipts of the batch not stored yet. The time bounds let DuckDB skip row
-- groups outside the batch's time range (zone maps) instead of scanning history.
CREATE OR REPLACE TEMP TABLE fresh_receipt AS
SELECT b.ebc_code, b.cop_no, b.invt_no, s.site_code, p.platform_code,
       b.return_status, b.return_time, b.return_info
FROM receipt_in b
ANTI JOIN (SELECT ebc_code, cop_no, return_status, return_time
           FROM receipt WHERE return_time BETWEEN $lo AND $hi) r
       ON r.ebc_code = b.ebc_code AND r.cop_no = b.cop_no
      AND r.return_status = b.return_status AND r.return_time = b.return_time
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
LEFT JOIN platform p ON p.ebp_code = b.ebp_code
