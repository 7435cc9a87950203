-- One batch of tax receipts (CEB816, batch_tax) or tax status changes (CEB818,
-- batch_tax_status). Each distinct record is stored once; the adjustment
-- rollup follows write_adjustments.sql around the insert.

-- name: touched_tax
CREATE OR REPLACE TEMP TABLE touched_invt AS SELECT DISTINCT invt_no FROM batch_tax

-- name: fresh_tax
-- Receipts not stored yet, whole record compared: a corrected version with the
-- same time is kept beside the first, and the figures pick one by value.
CREATE OR REPLACE TEMP TABLE fresh_tax AS
SELECT DISTINCT b.invt_no, b.tax_no, b.return_time, b.customs_tax, b.value_added_tax, b.consumption_tax,
       b.status, b.ebc_code, s.site_code, $source AS source, $ingested_at AS ingested_at
FROM batch_tax b
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
WHERE NOT EXISTS (
    SELECT 1 FROM tax_receipt t
    WHERE t.return_time BETWEEN $lo AND $hi
      AND t.invt_no = b.invt_no AND t.tax_no = b.tax_no AND t.return_time = b.return_time
      AND t.status = b.status AND t.customs_tax = b.customs_tax
      AND t.value_added_tax = b.value_added_tax AND t.consumption_tax = b.consumption_tax)

-- name: insert_tax
INSERT INTO tax_receipt FROM fresh_tax

-- name: touched_tax_status
CREATE OR REPLACE TEMP TABLE touched_invt AS SELECT DISTINCT invt_no FROM batch_tax_status

-- name: insert_tax_status
INSERT INTO tax_status
SELECT DISTINCT b.invt_no, b.tax_no, b.status, b.return_time, $source, $ingested_at
FROM batch_tax_status b
WHERE NOT EXISTS (
    SELECT 1 FROM tax_status t
    WHERE t.return_time BETWEEN $lo AND $hi
      AND t.invt_no = b.invt_no AND t.tax_no = b.tax_no AND t.return_time = b.return_time
      AND t.status = b.status)
