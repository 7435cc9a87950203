"""Where record batches go: the interface and its implementations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from collectors.records import Batch


@dataclass
class WriteResult:
    """What a write changed: rows new to the store and duplicates ignored."""

    kind: str
    received: int
    new: int
    duplicates: int
    # released-list change per (site, platform): (lists, goods value in fen)
    released: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    # new receipts per (site, status, count)
    statuses: list[tuple[str, int, int]] = field(default_factory=list)


class Sink(Protocol):
    def write(self, batch: Batch) -> WriteResult: ...
