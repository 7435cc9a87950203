-- Replaces the reference table with the rows of the configuration.
DELETE FROM platform;
INSERT INTO platform SELECT * FROM ref_rows;
