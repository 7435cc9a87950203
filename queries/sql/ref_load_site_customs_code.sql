-- Replaces the reference table with the rows of the configuration.
DELETE FROM site_customs_code;
INSERT INTO site_customs_code SELECT * FROM ref_rows;
