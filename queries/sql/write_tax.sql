INSERT INTO tax_receipt
SELECT DISTINCT ON (b.invt_no, b.tax_no, b.return_time)
       b.invt_no, b.tax_no, b.return_time, b.customs_tax_fen, b.value_added_tax_fen, b.consumption_tax_fen,
       b.status, b.ebc_code, s.site_code, $source, $ingested_at
FROM batch_tax b
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
WHERE NOT EXISTS (
    SELECT 1 FROM tax_receipt t
    WHERE t.return_time BETWEEN $lo AND $hi
      AND t.invt_no = b.invt_no AND t.tax_no = b.tax_no AND t.return_time = b.return_time)
