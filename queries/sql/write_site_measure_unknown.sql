SELECT DISTINCT site_code FROM batch_site_measure
WHERE site_code NOT IN (SELECT site_code FROM site)
