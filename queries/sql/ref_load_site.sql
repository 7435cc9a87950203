-- Replaces the reference table with the rows of the configuration.
DELETE FROM site;
INSERT INTO site SELECT * FROM ref_rows;
