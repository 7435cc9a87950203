-- Cancellations, returns and tax in [from, until), by the minute each happened.
SELECT coalesce(sum(cancelled_lists), 0)::BIGINT AS cancelled_lists,
       coalesce(sum(cancelled_value_fen), 0)::BIGINT AS cancelled_value_fen,
       coalesce(sum(returned_value), 0)::DECIMAL(38, 10) AS returned_value,
       coalesce(sum(tax_assessed), 0)::DECIMAL(38, 5) AS tax_assessed,
       coalesce(sum(tax_voided), 0)::DECIMAL(38, 5) AS tax_voided
FROM adjustment_minute
WHERE minute >= $from_ts AND minute < $until_ts
