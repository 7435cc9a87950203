-- Drops the days whose file changed or disappeared (lists of district and date, zipped).
DELETE FROM national_day_total t
USING (SELECT unnest($districts) AS district, unnest($dates)::DATE AS date) gone
WHERE t.district = gone.district AND t.date = gone.date
