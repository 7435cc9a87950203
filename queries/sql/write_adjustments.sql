-- How a batch changes cancellations, returns and tax: the figures of the lists
-- it touches (by invt_no) taken before and after the batch lands, and their
-- difference added to adjustment_minute. The figures depend only on the stored
-- facts, never on the order they came in. `before` runs ahead of the batch's
-- writes, the rest after them.

-- name: touched_invt_placeholder
CREATE OR REPLACE TEMP TABLE touched_invt (invt_no VARCHAR);
CREATE OR REPLACE TEMP TABLE touched_invt_known (invt_no VARCHAR);
CREATE OR REPLACE TEMP TABLE fresh_tax AS FROM tax_receipt LIMIT 0;
CREATE OR REPLACE TEMP TABLE touched_lists AS
SELECT invt_no, ebc_code, cop_no, released_at, goods_value_fen, site_code, platform_code, trade_mode,
       line_gnum, line_price, line_qty
FROM inventory_list LIMIT 0

-- name: lists_none
-- The stored lists of the touched list numbers, found once per snapshot rather
-- than by reading every stored list number (a store of a year holds 10^8): the
-- lists declared since a little before the batch's earliest time first, then
-- further back only for the numbers not found yet (collectors/sinks/duckdb_sink.py,
-- `_find_lists`). A list number names one list: a second list stored under a
-- number already found is not looked for.
CREATE OR REPLACE TEMP TABLE touched_lists AS FROM touched_lists LIMIT 0

-- name: lists_between
INSERT INTO touched_lists
SELECT l.invt_no, l.ebc_code, l.cop_no, l.released_at, l.goods_value_fen, l.site_code, l.platform_code,
       l.trade_mode, l.line_gnum, l.line_price, l.line_qty
FROM inventory_list l
SEMI JOIN (SELECT invt_no FROM touched_invt ANTI JOIN touched_lists USING (invt_no)) t ON l.invt_no = t.invt_no
WHERE l.app_time >= $since AND l.app_time < $until

-- name: lists_before
-- the rest: declared before the last window, or known from a receipt alone (no time yet)
INSERT INTO touched_lists
SELECT l.invt_no, l.ebc_code, l.cop_no, l.released_at, l.goods_value_fen, l.site_code, l.platform_code,
       l.trade_mode, l.line_gnum, l.line_price, l.line_qty
FROM inventory_list l
SEMI JOIN (SELECT invt_no FROM touched_invt ANTI JOIN touched_lists USING (invt_no)) t ON l.invt_no = t.invt_no
WHERE l.app_time < $until OR l.app_time IS NULL

-- name: lists_missing
SELECT count(*) FROM touched_invt t ANTI JOIN touched_lists l ON l.invt_no = t.invt_no WHERE t.invt_no IS NOT NULL

-- name: adjusting_hashes
-- The hash of every list number a tax, cancellation or return names: the
-- sink's set of them, read once (the sink adds what it writes). Only these
-- lists have figures that a batch can change.
SELECT DISTINCT hash(invt_no) AS h FROM (
    SELECT invt_no FROM tax_receipt
    UNION ALL SELECT invt_no FROM tax_status
    UNION ALL SELECT invt_no FROM list_request
    UNION ALL SELECT invt_no FROM request_receipt)
WHERE invt_no IS NOT NULL

-- name: list_invt
-- The list numbers a declaration or receipt batch touches: those it brings and
-- those already stored for its lists (a batch may give a list its number),
-- with their hashes. The sink keeps those in its set (`touched_invt_given`);
-- asking the tax and request tables here would read every number they hold,
-- for every batch.
CREATE OR REPLACE TEMP TABLE candidate_invt AS
SELECT DISTINCT invt_no, hash(invt_no) AS h FROM (
    SELECT invt_no FROM touched
    UNION ALL
    SELECT l.invt_no FROM inventory_list l SEMI JOIN touched t ON l.ebc_code = t.ebc_code AND l.cop_no = t.cop_no
    WHERE l.cop_no BETWEEN $cop_lo AND $cop_hi)
WHERE invt_no IS NOT NULL

-- name: candidate_hashes
SELECT h FROM candidate_invt

-- name: touched_invt_given
CREATE OR REPLACE TEMP TABLE touched_invt AS
SELECT invt_no FROM candidate_invt WHERE h IN (SELECT unnest($h::UBIGINT[]))

-- name: touched_invt_hashes
SELECT DISTINCT hash(invt_no) AS h FROM touched_invt WHERE invt_no IS NOT NULL

-- name: known_all
-- Every touched list may have stored tax receipts: the snapshots read them all.
CREATE OR REPLACE TEMP TABLE touched_invt_known AS FROM touched_invt

-- name: known_given
-- A tax batch: only the touched lists with these hashes had figures before it
-- (the sink's set says so). The others' tax receipts are the batch's own
-- (`fresh_tax`), so the snapshots read no stored tax receipt for them, and none
-- at all when no touched list had figures (a join with nothing on one side
-- reads nothing).
CREATE OR REPLACE TEMP TABLE touched_invt_known AS
SELECT DISTINCT invt_no FROM touched_invt WHERE hash(invt_no) IN (SELECT unnest($h::UBIGINT[]))

-- name: adjusted_now_view
-- One row per figure of a touched list: a cancellation (a released list whose
-- cancellation was approved, CEB624 399), a return's value (each approved
-- return, CEB626 399 or 800: the original line's unit price × the quantity
-- returned, at most the quantity declared; none for a cancelled list), a tax
-- assessed (the newest version of each tax receipt, at its first time) and a
-- tax voided (one whose latest status, CEB816 or CEB818, is 3).
-- `lists` holds only the touched lists that have a figure (before a batch's
-- first tax, most have none) and not their lines: a return reads those of its
-- own list.
CREATE OR REPLACE TEMP VIEW adjusted_now AS
WITH touched_requests AS (
    -- the requests that may name a touched list, by their own number or a receipt's:
    -- only their receipts are read (every receipt of each, so `approved` is whole)
    SELECT family, agent_code, cop_no FROM list_request SEMI JOIN touched_invt USING (invt_no)
    UNION
    SELECT family, agent_code, cop_no FROM request_receipt SEMI JOIN touched_invt USING (invt_no)
),
approved AS (
    SELECT r.family, r.agent_code, r.cop_no,
           coalesce(any_value(q.invt_no), max(r.invt_no)) AS invt_no,
           min(r.return_time) AS approved_at
    FROM request_receipt r
    SEMI JOIN touched_requests k ON k.family = r.family AND k.agent_code = r.agent_code AND k.cop_no = r.cop_no
    LEFT JOIN list_request_latest q
           ON q.family = r.family AND q.agent_code = r.agent_code AND q.cop_no = r.cop_no
    WHERE (r.family = 'cancel' AND r.return_status = 399)
       OR (r.family = 'refund' AND r.return_status IN (399, 800))
    GROUP BY r.family, r.agent_code, r.cop_no
),
cancelled AS (
    SELECT a.invt_no, min(a.approved_at) AS cancelled_at
    FROM approved a SEMI JOIN touched_invt t ON a.invt_no = t.invt_no
    WHERE a.family = 'cancel'
    GROUP BY a.invt_no
),
returned_lines AS (
    SELECT a.invt_no, a.approved_at, unnest(q.line_gnum) AS gnum, unnest(q.line_qty) AS qty
    FROM approved a
    JOIN list_request_latest q ON q.family = a.family AND q.agent_code = a.agent_code AND q.cop_no = a.cop_no
    SEMI JOIN touched_invt t ON a.invt_no = t.invt_no
    WHERE a.family = 'refund'
),
tax_rows AS (
    SELECT * FROM tax_receipt SEMI JOIN touched_invt_known USING (invt_no)
    UNION ALL
    SELECT * FROM fresh_tax SEMI JOIN touched_invt USING (invt_no) ANTI JOIN touched_invt_known USING (invt_no)
),
taxes AS (
    SELECT invt_no, tax_no, customs_tax + value_added_tax + consumption_tax AS amount,
           min(return_time) OVER (PARTITION BY invt_no, tax_no) AS first_at, site_code AS own_site
    FROM tax_rows
    QUALIFY row_number() OVER (
        PARTITION BY invt_no, tax_no
        ORDER BY return_time DESC, status DESC, customs_tax DESC, value_added_tax DESC, consumption_tax DESC) = 1
),
lists AS (
    SELECT l.invt_no, l.ebc_code, l.cop_no, l.released_at, l.goods_value_fen,
           coalesce(l.site_code, 'unknown') AS site_code,
           coalesce(l.platform_code, 'unknown') AS platform_code,
           coalesce(l.trade_mode, 'unknown') AS trade_mode
    FROM touched_lists l
    SEMI JOIN (SELECT invt_no FROM cancelled UNION SELECT invt_no FROM returned_lines UNION SELECT invt_no FROM taxes) t
           ON l.invt_no = t.invt_no
    QUALIFY row_number() OVER (PARTITION BY l.invt_no ORDER BY l.cop_no, l.ebc_code) = 1
),
cancelled_released AS (
    SELECT c.cancelled_at, l.* FROM cancelled c JOIN lists l ON l.invt_no = c.invt_no
    WHERE l.released_at IS NOT NULL
),
declared_lines AS (
    SELECT l.invt_no, l.site_code, l.platform_code, l.trade_mode,
           unnest(d.line_gnum) AS gnum, unnest(d.line_price) AS price, unnest(d.line_qty) AS qty
    FROM lists l
    JOIN touched_lists d ON d.ebc_code = l.ebc_code AND d.cop_no = l.cop_no
    SEMI JOIN returned_lines r ON r.invt_no = l.invt_no
    WHERE l.released_at IS NOT NULL AND l.invt_no NOT IN (SELECT invt_no FROM cancelled_released)
),
tax_latest AS (
    SELECT invt_no, tax_no, arg_max(status, (return_time, status)) AS status, max(return_time) AS status_at
    FROM (SELECT invt_no, tax_no, status, return_time FROM tax_rows
          UNION ALL
          SELECT invt_no, tax_no, status, return_time FROM tax_status SEMI JOIN touched_invt USING (invt_no))
    GROUP BY invt_no, tax_no
)
SELECT date_trunc('minute', cancelled_at) AS minute, site_code, platform_code, trade_mode,
       1 AS cancelled_lists, coalesce(goods_value_fen, 0) AS cancelled_value_fen,
       0::DECIMAL(38, 10) AS returned_value, 0::DECIMAL(38, 5) AS tax_assessed, 0::DECIMAL(38, 5) AS tax_voided
FROM cancelled_released
UNION ALL
SELECT date_trunc('minute', r.approved_at), d.site_code, d.platform_code, d.trade_mode, 0, 0,
       sum(least(r.qty, d.qty) * d.price)::DECIMAL(38, 10), 0, 0
FROM returned_lines r JOIN declared_lines d ON d.invt_no = r.invt_no AND d.gnum = r.gnum
GROUP BY ALL
UNION ALL
SELECT date_trunc('minute', x.first_at), coalesce(l.site_code, x.own_site, 'unknown'),
       coalesce(l.platform_code, 'unknown'), coalesce(l.trade_mode, 'unknown'), 0, 0, 0, x.amount, 0
FROM taxes x LEFT JOIN lists l ON l.invt_no = x.invt_no
UNION ALL
SELECT date_trunc('minute', s.status_at), coalesce(l.site_code, x.own_site, 'unknown'),
       coalesce(l.platform_code, 'unknown'), coalesce(l.trade_mode, 'unknown'), 0, 0, 0, 0, x.amount
FROM taxes x JOIN tax_latest s ON s.invt_no = x.invt_no AND s.tax_no = x.tax_no
LEFT JOIN lists l ON l.invt_no = x.invt_no
WHERE s.status = 3

-- name: before
CREATE OR REPLACE TEMP TABLE adjusted_before AS FROM adjusted_now

-- name: before_none
-- A tax batch none of whose lists had figures before it (the sink's set says so):
-- the snapshot before it is empty, and reading it would cost the view's whole
-- work (a third of a tax batch on a stored night).
CREATE OR REPLACE TEMP TABLE adjusted_before AS FROM adjusted_now LIMIT 0

-- name: after
CREATE OR REPLACE TEMP TABLE adjusted_after AS FROM adjusted_now

-- name: delta
CREATE OR REPLACE TEMP TABLE adjustment_delta AS
SELECT minute, site_code, platform_code, trade_mode,
       sum(sign * cancelled_lists)::BIGINT AS cancelled_lists,
       sum(sign * cancelled_value_fen)::BIGINT AS cancelled_value_fen,
       sum(sign * returned_value)::DECIMAL(38, 10) AS returned_value,
       sum(sign * tax_assessed)::DECIMAL(38, 5) AS tax_assessed,
       sum(sign * tax_voided)::DECIMAL(38, 5) AS tax_voided
FROM (SELECT *, 1 AS sign FROM adjusted_after
      UNION ALL
      SELECT *, -1 AS sign FROM adjusted_before)
GROUP BY ALL
HAVING sum(sign * cancelled_lists) <> 0 OR sum(sign * cancelled_value_fen) <> 0
    OR sum(sign * returned_value) <> 0 OR sum(sign * tax_assessed) <> 0 OR sum(sign * tax_voided) <> 0

-- name: minute_delta
INSERT INTO adjustment_minute FROM adjustment_delta
ON CONFLICT DO UPDATE SET
    cancelled_lists = adjustment_minute.cancelled_lists + excluded.cancelled_lists,
    cancelled_value_fen = adjustment_minute.cancelled_value_fen + excluded.cancelled_value_fen,
    returned_value = adjustment_minute.returned_value + excluded.returned_value,
    tax_assessed = adjustment_minute.tax_assessed + excluded.tax_assessed,
    tax_voided = adjustment_minute.tax_voided + excluded.tax_voided

-- name: delta_by_site
-- For the Prometheus counters: what the batch added, by site and trade mode.
SELECT site_code, trade_mode, sum(cancelled_lists)::BIGINT, sum(cancelled_value_fen)::BIGINT,
       sum(returned_value)::DOUBLE, sum(tax_assessed)::DOUBLE, sum(tax_voided)::DOUBLE
FROM adjustment_delta
GROUP BY ALL
