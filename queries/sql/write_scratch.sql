-- The scratch tables a write leaves behind, dropped once it is done: otherwise a
-- batch's copies (a receipt batch of 4 million rows, its lists and snapshots)
-- stay in memory until the next batch of the same kind replaces them. The
-- views on `touched`, `touched_invt`, `touched_invt_known` and `fresh_tax` get
-- their empty placeholders back.
DROP TABLE IF EXISTS fresh_kept;
DROP TABLE IF EXISTS candidate_invt;
DROP TABLE IF EXISTS fresh_reject;
DROP TABLE IF EXISTS released_before;
DROP TABLE IF EXISTS released_after;
DROP TABLE IF EXISTS release_delta;
DROP TABLE IF EXISTS adjusted_before;
DROP TABLE IF EXISTS adjusted_after;
DROP TABLE IF EXISTS adjustment_delta;
CREATE OR REPLACE TEMP TABLE touched (ebc_code VARCHAR, cop_no VARCHAR, invt_no VARCHAR);
CREATE OR REPLACE TEMP TABLE touched_invt (invt_no VARCHAR);
CREATE OR REPLACE TEMP TABLE touched_invt_known (invt_no VARCHAR);
CREATE OR REPLACE TEMP TABLE fresh_tax AS FROM tax_receipt LIMIT 0;
