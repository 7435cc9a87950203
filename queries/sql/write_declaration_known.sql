-- Lists of the batch whose stored version is already this new: repeats.
SELECT count(*)
FROM touched t JOIN inventory_list l ON l.ebc_code = t.ebc_code AND l.cop_no = t.cop_no
WHERE l.app_time >= t.app_time
