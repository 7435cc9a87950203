-- Receipts of the batch not stored yet. The time bounds let DuckDB skip row
-- groups outside the batch's time range (zone maps) instead of scanning history.
CREATE OR REPLACE TEMP TABLE fresh_receipt AS
SELECT DISTINCT ON (b.ebc_code, b.cop_no, b.return_status, b.return_time)
       b.ebc_code, b.cop_no, b.invt_no, s.site_code, p.platform_code,
       b.return_status, b.return_time, b.return_info
FROM batch_receipt b
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
LEFT JOIN platform p ON p.ebp_code = b.ebp_code
WHERE NOT EXISTS (
    SELECT 1 FROM receipt r
    WHERE r.return_time BETWEEN $lo AND $hi
      AND r.ebc_code = b.ebc_code AND r.cop_no = b.cop_no
      AND r.return_status = b.return_status AND r.return_time = b.return_time)
