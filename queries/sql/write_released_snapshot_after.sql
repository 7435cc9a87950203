CREATE OR REPLACE TEMP TABLE released_after AS FROM released_now
