-- Replaces the reference table with the rows of the configuration.
DELETE FROM category;
INSERT INTO category SELECT * FROM ref_rows;
