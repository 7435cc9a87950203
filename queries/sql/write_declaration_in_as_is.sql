-- The batch's declarations, every list once already (write_declaration_repeats).
CREATE OR REPLACE TEMP VIEW declaration_in AS FROM batch_declaration
