SELECT coalesce(site_code, 'unknown'), return_status, count(*) FROM fresh_receipt GROUP BY ALL
