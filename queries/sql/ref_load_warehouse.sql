-- Replaces the reference table with the rows of the configuration.
DELETE FROM warehouse;
INSERT INTO warehouse SELECT * FROM ref_rows;
