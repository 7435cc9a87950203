SELECT site_code, name_zh, name_en, confirmed FROM site ORDER BY volume_share DESC
