"""How a background failure is logged: one line for what the world did to us
(a full disk, a broken or held database file, a network), a traceback for a
fault in our own code."""

from __future__ import annotations

import logging

import duckdb

OPERATIONAL = (duckdb.Error, OSError)


def log_failure(log: logging.Logger, what: str, error: BaseException) -> None:
    if isinstance(error, OPERATIONAL):
        log.error("%s: %s: %s", what, type(error).__name__, str(error).splitlines()[0] if str(error) else "")
    else:
        log.error("%s", what, exc_info=error)
