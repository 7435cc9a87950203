INSERT INTO receipt
SELECT ebc_code, cop_no, invt_no, site_code, platform_code, return_status, return_time,
       return_info, $source, $ingested_at
FROM fresh_receipt
