-- The national tier's copy of the districts' exported day_total rows, so a report over
-- a year sums one table instead of opening a file per district and day. inode and
-- mtime_ns are those of the loaded day_total.parquet: a rewritten day is a new folder
-- swapped in (core/exports.py), so a changed pair means the day must be loaded again.
-- A file that held no row leaves one row of NULL figures, so it is not read again.
CREATE TABLE national_day_total (
    district             VARCHAR NOT NULL,
    date                 DATE NOT NULL,
    inode                UBIGINT NOT NULL,
    mtime_ns             BIGINT NOT NULL,
    released_lists       BIGINT,
    goods_value_fen      BIGINT,
    valued_lists         BIGINT,
    cancelled_lists      BIGINT,
    cancelled_value_fen  BIGINT,
    returned_value       DECIMAL(38, 10),
    tax_assessed         DECIMAL(38, 5),
    tax_voided           DECIMAL(38, 5),
    format_rejects       BIGINT
);
