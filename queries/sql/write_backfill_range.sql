INSERT OR IGNORE INTO backfill_range VALUES ($from_minute, $until_minute, $source, $written_at)
