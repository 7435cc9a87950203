-- After a sign-in attempt: the failures in a row, and a lock once they reach the limit.
UPDATE account SET failed_signins = $failed_signins, locked_until = $locked_until WHERE name = $name
