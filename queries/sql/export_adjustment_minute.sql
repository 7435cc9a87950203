-- A day's cancellations, returns and tax per minute, site, platform and trade mode, for the Parquet export.
SELECT minute, site_code, platform_code, trade_mode, cancelled_lists, cancelled_value_fen,
       returned_value, tax_assessed, tax_voided
FROM adjustment_minute
WHERE minute >= $from_ts AND minute < $until_ts
ORDER BY minute, site_code, platform_code, trade_mode
