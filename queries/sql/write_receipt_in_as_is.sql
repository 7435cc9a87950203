-- The batch's receipts, every key once already (write_receipt_repeats).
CREATE OR REPLACE TEMP VIEW receipt_in AS FROM batch_receipt
