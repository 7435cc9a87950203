-- Whether the batch may hold a receipt twice: keys whose hash repeats. Zero
-- means every key is unique (equal keys hash alike), so the batch needs no
-- DISTINCT, the costliest step of a bulk load; a hash collision only takes the
-- exact path.
SELECT count(*) FROM (
    SELECT hash(ebc_code, cop_no, return_status, return_time)
    FROM batch_receipt GROUP BY 1 HAVING count(*) > 1)
