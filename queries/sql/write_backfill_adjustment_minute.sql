-- Simulated history fills only minutes that hold nothing yet, so a restart
-- never counts a minute twice.
INSERT INTO adjustment_minute
    (minute, site_code, platform_code, trade_mode, cancelled_lists, cancelled_value_fen, returned_value,
     tax_assessed, tax_voided)
SELECT b.minute, b.site_code, b.platform_code, b.trade_mode, b.cancelled_lists, b.cancelled_value_fen,
       b.returned_value, b.tax_assessed, b.tax_voided
FROM batch_adjustment_minute b
WHERE NOT EXISTS (SELECT 1 FROM adjustment_minute r
                  WHERE r.minute BETWEEN $lo AND $hi AND r.minute = b.minute)
