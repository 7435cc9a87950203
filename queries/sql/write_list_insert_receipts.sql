-- Lists known so far only from receipts (the declaration has not landed yet).
INSERT INTO inventory_list (ebc_code, cop_no, invt_no, site_code, platform_code,
                            declared_at, accepted_at, released_at, last_status, last_status_at)
SELECT ebc_code, cop_no, invt_no, site_code, platform_code,
       declared_at, accepted_at, released_at, last_status, last_status_at
FROM touched t
WHERE NOT EXISTS (SELECT 1 FROM inventory_list l WHERE l.ebc_code = t.ebc_code AND l.cop_no = t.cop_no)
