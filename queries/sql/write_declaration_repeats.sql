-- Whether the batch may hold a list twice (see write_receipt_repeats).
SELECT count(*) FROM (
    SELECT hash(ebc_code, cop_no) FROM batch_declaration GROUP BY 1 HAVING count(*) > 1)
