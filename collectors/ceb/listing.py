"""The files waiting in the inbox, in name order, listed once for many runs.

Behind, the inbox may hold hundreds of thousands of files, and a run takes at
most a few tens of thousands of them. Listing and sorting the whole folder for
every run made each run slower the further behind it was; the names listed are
taken in order over the following runs instead, and the folder is listed again
once they are all taken or RELIST_SECONDS have passed. Caught up, every run
takes all the names it listed, so every run lists the folder as before.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Collection
from pathlib import Path

SKIP_SUFFIXES = (".tmp", ".part", ".partial", ".reason.json")
# a file that lands behind a backlog is seen within this long, wherever its name sorts; a run that
# left a file to be read again (a sender rewrote it) reads it again at most this much later
RELIST_SECONDS = 30.0


def _wanted(name: str) -> bool:
    """A message file's name: not hidden, not a sender's temporary, not a sidecar."""
    return not name.startswith(".") and not name.endswith(SKIP_SUFFIXES)


def waiting_names(folder: Path) -> list[str]:
    """The names of the regular files in `folder`, sorted. Each entry's type comes
    from the listing itself (no stat per file)."""
    with os.scandir(folder) as entries:
        return sorted(e.name for e in entries if e.is_file(follow_symlinks=False) and _wanted(e.name))


class Waiting:
    """The inbox's waiting files, taken in name order (see the module's docstring)."""

    def __init__(
        self, folder: Path, relist_seconds: float = RELIST_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        self.folder = folder
        self.relist_seconds = relist_seconds
        self.clock = clock
        self._names: deque[str] = deque()
        self._listed_at = 0.0

    def take(self, skip: Collection[Path], limit: int) -> list[Path]:
        """At most `limit` waiting files, but those in `skip` (read already, held)."""
        listed = not self._names or self.clock() - self._listed_at >= self.relist_seconds
        if listed:
            self._list()
        out = self._next(skip, limit)
        if not out and not listed:  # the rest of the listing was all held: what landed since
            self._list()
            out = self._next(skip, limit)
        return out

    def _list(self) -> None:
        self._names = deque(waiting_names(self.folder))
        self._listed_at = self.clock()

    def _next(self, skip: Collection[Path], limit: int) -> list[Path]:
        out: list[Path] = []
        while self._names and len(out) < limit:
            path = self.folder / self._names.popleft()
            if path not in skip:  # one its sender removed since is passed over when read (reading.GONE)
                out.append(path)
        return out
