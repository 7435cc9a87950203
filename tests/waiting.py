"""Waiting in tests for something that happens in another thread or process."""

from __future__ import annotations

import time


def wait_for(check, seconds: float, every: float = 0.25):
    """`check()` until it gives something true or `seconds` have passed (it is
    asked once more at the end); what it gave last."""
    deadline = time.monotonic() + seconds
    while True:
        got = check()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(every)
