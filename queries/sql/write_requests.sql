-- One batch of cancellation and return requests (CEB623/625, batch_request) or
-- of their receipts (CEB624/626, batch_request_receipt). Each distinct record is
-- stored once; the adjustment rollup follows write_adjustments.sql around the
-- insert.

-- name: touched_request
CREATE OR REPLACE TEMP TABLE touched_invt AS
SELECT invt_no FROM batch_request
UNION
SELECT q.invt_no FROM list_request_latest q
SEMI JOIN batch_request b ON q.family = b.family AND q.agent_code = b.agent_code AND q.cop_no = b.cop_no

-- name: insert_request
INSERT INTO list_request
SELECT DISTINCT b.family, b.agent_code, b.cop_no, b.invt_no, s.site_code, p.platform_code, b.ebc_code,
       b.app_time, b.line_gnum, b.line_qty, $source, $ingested_at
FROM batch_request b
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
LEFT JOIN platform p ON p.ebp_code = b.ebp_code
WHERE NOT EXISTS (
    SELECT 1 FROM list_request r
    WHERE r.app_time BETWEEN $lo AND $hi
      AND r.family = b.family AND r.agent_code = b.agent_code AND r.cop_no = b.cop_no
      AND r.app_time = b.app_time AND r.invt_no = b.invt_no
      AND r.line_gnum = b.line_gnum AND r.line_qty = b.line_qty)

-- name: touched_request_receipt
-- A receipt names its list itself, or through its request.
CREATE OR REPLACE TEMP TABLE touched_invt AS
SELECT invt_no FROM batch_request_receipt WHERE invt_no IS NOT NULL
UNION
SELECT q.invt_no FROM list_request_latest q
SEMI JOIN batch_request_receipt b ON q.family = b.family AND q.agent_code = b.agent_code AND q.cop_no = b.cop_no

-- name: insert_request_receipt
INSERT INTO request_receipt
SELECT DISTINCT b.family, b.agent_code, b.cop_no, b.invt_no, s.site_code, b.return_status, b.return_time,
       b.return_info, $source, $ingested_at
FROM batch_request_receipt b
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
WHERE NOT EXISTS (
    SELECT 1 FROM request_receipt r
    WHERE r.return_time BETWEEN $lo AND $hi
      AND r.family = b.family AND r.agent_code = b.agent_code AND r.cop_no = b.cop_no
      AND r.return_status = b.return_status AND r.return_time = b.return_time)
