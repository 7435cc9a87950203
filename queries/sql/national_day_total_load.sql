-- Loads the listed day_total files (lists of district, date, inode, mtime_ns and file,
-- zipped); the folder names the district and day, as the readers' hive layout does.
-- A file without a row leaves one row of NULL figures, so it is not read again.
INSERT INTO national_day_total
SELECT l.district, l.date, l.inode, l.mtime_ns,
       p.released_lists, p.goods_value_fen, p.valued_lists, p.cancelled_lists, p.cancelled_value_fen,
       p.returned_value, p.tax_assessed, p.tax_voided, p.format_rejects
FROM (SELECT unnest($districts) AS district, unnest($dates)::DATE AS date, unnest($inodes)::UBIGINT AS inode,
             unnest($mtimes)::BIGINT AS mtime_ns, unnest($files) AS file) l
LEFT JOIN read_parquet($files, filename = true, hive_partitioning = false) p ON p.filename = l.file
