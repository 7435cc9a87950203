-- Releases by category, kept in step with the facts like release_minute and
-- written for simulated history too, so the report's category split counts
-- every released list, not only those held in detail. 'unknown' holds
-- releases whose declaration (and so category) has not landed yet.
CREATE TABLE release_category_minute (
    minute           TIMESTAMP NOT NULL,
    category_code    VARCHAR NOT NULL,
    released_lists   BIGINT NOT NULL,
    goods_value_fen  BIGINT NOT NULL,
    PRIMARY KEY (minute, category_code)
);
-- the lists already held in detail; history written before this kept no category
INSERT INTO release_category_minute
SELECT date_trunc('minute', released_at), coalesce(category_code, 'unknown'), count(*),
       coalesce(sum(goods_value_fen), 0)
FROM inventory_list
WHERE released_at IS NOT NULL
GROUP BY ALL;
