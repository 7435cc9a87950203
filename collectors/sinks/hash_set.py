"""A set of 64-bit hashes that answers for a whole batch at once.

The store cannot look a few keys up in a large table without reading the whole
column (DuckDB uses its indexes for a single key, not for a join), so the sink
keeps the hashes of the keys it must ask about here. A hash shared by two keys
only makes the sink look closer; a key is never missed.
"""

from __future__ import annotations

import numpy as np

MERGE_AT = 200_000  # additions held apart before they join the sorted array


class HashSet:
    def __init__(self, hashes: np.ndarray) -> None:
        self._sorted = np.unique(np.asarray(hashes, dtype=np.uint64))
        self._recent: list[np.ndarray] = []
        self._recent_count = 0

    def __len__(self) -> int:
        return len(self._sorted) + self._recent_count

    def add(self, hashes: np.ndarray) -> None:
        hashes = np.asarray(hashes, dtype=np.uint64)
        if not len(hashes):
            return
        self._recent.append(hashes)
        self._recent_count += len(hashes)
        if self._recent_count >= MERGE_AT:
            merged = np.concatenate([self._sorted, np.unique(np.concatenate(self._recent))])
            merged.sort(kind="stable")  # two sorted runs: Timsort merges them in one pass
            keep = np.ones(len(merged), dtype=bool)
            keep[1:] = merged[1:] != merged[:-1]
            self._sorted = merged[keep]
            self._recent, self._recent_count = [], 0

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """One bool per hash: whether it is in the set."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        found = np.zeros(len(hashes), dtype=bool)
        if len(self._sorted):
            at = np.minimum(np.searchsorted(self._sorted, hashes), len(self._sorted) - 1)
            found = self._sorted[at] == hashes
        if self._recent:
            found |= np.isin(hashes, np.concatenate(self._recent))
        return found
