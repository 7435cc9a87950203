-- Replaces the reference table with the rows of the configuration.
DELETE FROM category_hs_prefix;
INSERT INTO category_hs_prefix SELECT * FROM ref_rows;
