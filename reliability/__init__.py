"""Failure drills: a hostile-input corpus, kill -9 in the middle of ingest, a
source that vanishes, a full disk, and a broken database file at start."""
