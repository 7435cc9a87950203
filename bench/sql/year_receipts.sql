-- Each list's receipts along its path: 2, 120, the deciding status, 800, 899.
INSERT INTO receipt
SELECT l.ebc_code, l.cop_no, NULL, l.site_code, l.platform_code, s.status, s.happened, NULL, 'year', l.declared_at
FROM inventory_list l,
     LATERAL (SELECT * FROM (VALUES
         (2, l.declared_at),
         (120, l.accepted_at),
         (CASE l.last_status WHEN 100 THEN 100 WHEN -1 THEN -1 WHEN 501 THEN 501 END, l.last_status_at),
         (800, l.released_at),
         (899, l.released_at + INTERVAL 90 MINUTE)) v(status, happened)
      WHERE v.status IS NOT NULL AND v.happened IS NOT NULL) s
