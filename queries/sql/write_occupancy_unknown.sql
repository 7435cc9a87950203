SELECT DISTINCT warehouse_code FROM batch_occupancy
WHERE warehouse_code NOT IN (SELECT warehouse_code FROM warehouse)
