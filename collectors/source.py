"""The interface every source implements: gather records into a sink."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from collectors.sinks import Sink


@dataclass(frozen=True)
class Collected:
    """What one collection brought. `records == 0` says explicitly that there was
    nothing new, so the screens can tell a quiet source from a broken one."""

    records: int
    note: str = ""


class Source(Protocol):
    name: str

    def collect(self, sink: Sink) -> Collected: ...


class Closeable(Protocol):
    def close(self) -> None: ...


class Watched(Protocol):
    """A source that knows when it has something new (a file landed): the
    runner runs it then, not only on its interval."""

    def watch(self, wake: Callable[[], None]) -> Closeable | None: ...
