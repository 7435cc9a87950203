-- The batch's receipts, each key once.
CREATE OR REPLACE TEMP VIEW receipt_in AS
SELECT DISTINCT ON (ebc_code, cop_no, return_status, return_time) * FROM batch_receipt
