"""Where record batches go: the interface and its implementations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from collectors.records import Batch


@dataclass(frozen=True)
class Adjustment:
    """What a batch changed of cancellations, returns and tax (yuan as float: metrics only)."""

    cancelled_lists: int
    cancelled_value_fen: int
    returned_cny: float
    tax_assessed_cny: float
    tax_voided_cny: float


@dataclass
class WriteResult:
    """What a write changed: rows new to the store and duplicates ignored."""

    kind: str
    received: int
    new: int
    duplicates: int
    # released-list change per (site, platform, trade mode): (lists, goods value in fen)
    released: dict[tuple[str, str, str], tuple[int, int]] = field(default_factory=dict)
    # new receipts per (site, status, count)
    statuses: list[tuple[str, int, int]] = field(default_factory=list)
    # cancellation, return and tax change per (site, trade mode)
    adjusted: dict[tuple[str, str], Adjustment] = field(default_factory=dict)
    # new format rejects per type of message rejected
    rejects: dict[str, int] = field(default_factory=dict)


class Sink(Protocol):
    def write(self, batch: Batch) -> WriteResult: ...
