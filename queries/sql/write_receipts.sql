-- One batch of receipts (CEB622), in one transaction, statement by statement in
-- the order collectors/sinks/duckdb_sink.py runs them. The batch is registered as
-- batch_receipt; the release rollup then follows write_release_change.sql.

-- name: repeats
-- Whether the batch may hold a receipt twice: keys whose hash repeats. Zero
-- means every key is unique (equal keys hash alike), so the batch needs no
-- DISTINCT, the costliest step of a bulk load; a hash collision only takes the
-- exact path.
SELECT count(*) FROM (
    SELECT hash(ebc_code, cop_no, return_status, return_time)
    FROM batch_receipt GROUP BY 1 HAVING count(*) > 1)

-- name: in_as_is
-- The batch's receipts, every key once already (`repeats` said so).
CREATE OR REPLACE TEMP VIEW receipt_in AS FROM batch_receipt

-- name: in_distinct
-- The batch's receipts, each key once.
CREATE OR REPLACE TEMP VIEW receipt_in AS
SELECT DISTINCT ON (ebc_code, cop_no, return_status, return_time) * FROM batch_receipt

-- name: bounds
-- The batch's range of times and of list numbers, for `stored` and `fresh`.
SELECT min(return_time), max(return_time), min(cop_no), max(cop_no) FROM batch_receipt

-- name: stored
-- How many of the batch's receipts are stored already (a repeated delivery).
-- The bounds let DuckDB skip row groups outside the batch's ranges (zone maps)
-- instead of scanning history: its receipts reach hours past their lists'
-- declarations, so times alone keep most of the day; the list numbers of a
-- batch are few and close together.
SELECT count(*) FROM receipt_in b
SEMI JOIN (SELECT ebc_code, cop_no, return_status, return_time
           FROM receipt WHERE return_time BETWEEN $lo AND $hi AND cop_no BETWEEN $cop_lo AND $cop_hi) r
       ON r.ebc_code = b.ebc_code AND r.cop_no = b.cop_no
      AND r.return_status = b.return_status AND r.return_time = b.return_time

-- name: fresh_as_is
-- Every receipt of the batch is fresh and there once (`repeats` and `stored`
-- found none): read from the batch itself, not copied (a copy of 4 million
-- receipts held about 500 MiB until the batch committed).
CREATE OR REPLACE TEMP VIEW fresh_receipt AS
SELECT b.ebc_code, b.cop_no, b.invt_no, s.site_code, p.platform_code,
       b.return_status, b.return_time, b.return_info
FROM receipt_in b
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
LEFT JOIN platform p ON p.ebp_code = b.ebp_code

-- name: fresh
-- Otherwise the receipts of the batch not stored yet, each once, copied.
CREATE OR REPLACE TEMP TABLE fresh_kept AS
SELECT b.ebc_code, b.cop_no, b.invt_no, s.site_code, p.platform_code,
       b.return_status, b.return_time, b.return_info
FROM receipt_in b
ANTI JOIN (SELECT ebc_code, cop_no, return_status, return_time
           FROM receipt WHERE return_time BETWEEN $lo AND $hi AND cop_no BETWEEN $cop_lo AND $cop_hi) r
       ON r.ebc_code = b.ebc_code AND r.cop_no = b.cop_no
      AND r.return_status = b.return_status AND r.return_time = b.return_time
LEFT JOIN site_customs_code s ON s.customs_code = b.customs_code
LEFT JOIN platform p ON p.ebp_code = b.ebp_code

-- name: fresh_kept
CREATE OR REPLACE TEMP VIEW fresh_receipt AS FROM fresh_kept

-- name: fresh_count
SELECT count(*) FROM fresh_receipt

-- name: insert
INSERT INTO receipt
SELECT ebc_code, cop_no, invt_no, site_code, platform_code, return_status, return_time,
       return_info, $source, $ingested_at
FROM fresh_receipt

-- name: minute
INSERT INTO receipt_minute
SELECT date_trunc('minute', return_time), coalesce(site_code, 'unknown'), return_status, count(*)
FROM fresh_receipt
GROUP BY ALL
ON CONFLICT DO UPDATE SET receipts = receipt_minute.receipts + excluded.receipts

-- name: fresh_by_status
SELECT coalesce(site_code, 'unknown'), return_status, count(*) FROM fresh_receipt GROUP BY ALL

-- name: touched
-- What the fresh receipts say about each list; merged into inventory_list with
-- min/max so the result does not depend on arrival order.
CREATE OR REPLACE TEMP TABLE touched AS
SELECT ebc_code, cop_no,
       max(invt_no) AS invt_no,
       max(site_code) AS site_code,
       max(platform_code) AS platform_code,
       min(return_time) FILTER (WHERE return_status = 2) AS declared_at,
       min(return_time) FILTER (WHERE return_status = 120) AS accepted_at,
       min(return_time) FILTER (WHERE return_status = 800) AS released_at,
       arg_max(return_status, (return_time, return_status)) AS last_status,
       max(return_time) AS last_status_at
FROM fresh_receipt
GROUP BY ebc_code, cop_no

-- name: merge_lists
-- Status fields merge with min/max, so the row does not depend on the order or
-- repetition of receipts. Lists not declared yet are added by the next query.
UPDATE inventory_list SET
    invt_no = coalesce(inventory_list.invt_no, t.invt_no),
    site_code = coalesce(inventory_list.site_code, t.site_code),
    platform_code = coalesce(inventory_list.platform_code, t.platform_code),
    declared_at = least(inventory_list.declared_at, t.declared_at),
    accepted_at = least(inventory_list.accepted_at, t.accepted_at),
    released_at = least(inventory_list.released_at, t.released_at),
    last_status = CASE
        WHEN inventory_list.last_status_at IS NULL
          OR (t.last_status_at, t.last_status) > (inventory_list.last_status_at, inventory_list.last_status)
        THEN t.last_status ELSE inventory_list.last_status END,
    last_status_at = greatest(inventory_list.last_status_at, t.last_status_at)
FROM touched t
WHERE inventory_list.ebc_code = t.ebc_code AND inventory_list.cop_no = t.cop_no
  AND inventory_list.cop_no BETWEEN $cop_lo AND $cop_hi

-- name: insert_lists
-- Lists known so far only from receipts (the declaration has not landed yet).
INSERT INTO inventory_list (ebc_code, cop_no, invt_no, site_code, platform_code,
                            declared_at, accepted_at, released_at, last_status, last_status_at)
SELECT ebc_code, cop_no, invt_no, site_code, platform_code,
       declared_at, accepted_at, released_at, last_status, last_status_at
FROM touched t
WHERE NOT EXISTS (SELECT 1 FROM inventory_list l WHERE l.ebc_code = t.ebc_code AND l.cop_no = t.cop_no
                  AND l.cop_no BETWEEN $cop_lo AND $cop_hi)
