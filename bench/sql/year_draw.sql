-- Each list of the year and its draws: uniforms from hashes of its number, so
-- a rerun draws the same year. Shares come from the lookup tables (code, lo, hi).
CREATE TEMP TABLE draw AS
WITH lists AS (
    SELECT minute, first_seq + range AS seq FROM plan, range(n)
), uniforms AS (
    SELECT minute, seq,
           (hash(seq * 1000003 + 1) % 1000000007) / 1000000007.0 AS u_site,
           (hash(seq * 1000003 + 2) % 1000000007) / 1000000007.0 AS u_platform,
           (hash(seq * 1000003 + 3) % 1000000007) / 1000000007.0 AS u_category,
           (hash(seq * 1000003 + 5) % 1000000007) / 1000000007.0 AS u_path,
           greatest((hash(seq * 1000003 + 6) % 1000000007) / 1000000007.0, 1e-12) AS u_a,
           (hash(seq * 1000003 + 7) % 1000000007) / 1000000007.0 AS u_b,
           (hash(seq * 1000003 + 8) % 1000000007) / 1000000007.0 AS u_lines,
           (hash(seq * 1000003 + 9) % 1000000007) / 1000000007.0 AS u_second
    FROM lists
)
SELECT u.seq,
       u.minute + to_microseconds(CAST(u.u_second * 60000000 AS BIGINT)) AS declared_at,
       s.code AS site_code, p.code AS platform_code, c.code AS category_code, k.code AS path,
       1 + CASE WHEN u.u_lines < 0.67 THEN 0 WHEN u.u_lines < 0.94 THEN 1 ELSE 2 END AS line_count,
       sqrt(-2 * ln(u.u_a)) * cos(2 * pi() * u.u_b) AS z
FROM uniforms u
JOIN share_site s ON u.u_site >= s.lo AND u.u_site < s.hi
JOIN share_platform p ON u.u_platform >= p.lo AND u.u_platform < p.hi
JOIN share_category c ON u.u_category >= c.lo AND u.u_category < c.hi
JOIN share_path k ON u.u_path >= k.lo AND u.u_path < k.hi
