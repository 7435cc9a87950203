-- The newest release minute in the store: what "now" is for a file with no live source.
SELECT max(minute) FROM release_minute
