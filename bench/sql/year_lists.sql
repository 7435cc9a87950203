-- The year's lists in the app's table, in the order they were declared.
INSERT INTO inventory_list
SELECT printf('SIMEBC%04d', hash(d.seq * 13 + 10) % $enterprises) AS ebc_code,
       'Y' || strftime(d.declared_at, '%Y%m%d') || lpad(CAST(d.seq AS VARCHAR), 10, '0') AS cop_no,
       NULL AS invt_no, d.site_code, d.platform_code,
       w.codes[1 + CAST(hash(d.seq * 31 + 4) % len(w.codes) AS INTEGER)] AS warehouse_code,
       d.category_code, d.declared_at AS app_time, 1 AS app_type,
       CAST(round(greatest(exp($mu + $sigma * d.z) * d.line_count, 1) * 100) AS BIGINT) AS goods_value_fen,
       d.line_count, d.declared_at,
       CASE WHEN d.path <> 'proc_error' THEN d.declared_at + INTERVAL 1 SECOND END AS accepted_at,
       CASE WHEN d.path IN ('release', 'send_fail') THEN d.declared_at + INTERVAL 2 SECOND
            WHEN d.path = 'manual' THEN d.declared_at
                 + to_microseconds(CAST(least(exp(ln($manual_median_s) + $manual_sigma * d.z), $manual_cap_s) * 1e6 AS BIGINT))
            WHEN d.path = 'inspect' THEN d.declared_at + INTERVAL 3 HOUR END AS released_at,
       CASE d.path WHEN 'reject' THEN 100 WHEN 'proc_error' THEN -1 WHEN 'hold' THEN 501 ELSE 899 END AS last_status,
       d.declared_at + INTERVAL 2 HOUR AS last_status_at,
       CASE WHEN d.site_code = 'lishe' THEN '9610' ELSE '1210' END AS trade_mode,
       NULL AS line_gnum, NULL AS line_price, NULL AS line_qty  -- no returns in this benchmark
FROM draw d
LEFT JOIN site_warehouses w USING (site_code)
ORDER BY d.seq
