-- Warehouses and systems, from the registered sample tables.
INSERT INTO occupancy_sample SELECT sampled_at, warehouse_code, site_code, used_m2, occupancy_ratio, 'year' FROM occ;
INSERT INTO health_sample SELECT sampled_at, site_code, component, kind, metric, value, 'year' FROM hea;
