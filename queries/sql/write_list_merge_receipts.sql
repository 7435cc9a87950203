-- Status fields merge with min/max, so the row does not depend on the order or
-- repetition of receipts. Lists not declared yet are added by the next query.
UPDATE inventory_list SET
    invt_no = coalesce(inventory_list.invt_no, t.invt_no),
    site_code = coalesce(inventory_list.site_code, t.site_code),
    platform_code = coalesce(inventory_list.platform_code, t.platform_code),
    declared_at = least(inventory_list.declared_at, t.declared_at),
    accepted_at = least(inventory_list.accepted_at, t.accepted_at),
    released_at = least(inventory_list.released_at, t.released_at),
    last_status = CASE
        WHEN inventory_list.last_status_at IS NULL
          OR (t.last_status_at, t.last_status) > (inventory_list.last_status_at, inventory_list.last_status)
        THEN t.last_status ELSE inventory_list.last_status END,
    last_status_at = greatest(inventory_list.last_status_at, t.last_status_at)
FROM touched t
WHERE inventory_list.ebc_code = t.ebc_code AND inventory_list.cop_no = t.cop_no
