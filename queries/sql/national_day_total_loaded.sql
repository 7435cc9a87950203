-- What the national table holds: the identity of each loaded day_total file.
SELECT DISTINCT district, date, inode, mtime_ns FROM national_day_total
