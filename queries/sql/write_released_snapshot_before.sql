CREATE OR REPLACE TEMP TABLE released_before AS FROM released_now
