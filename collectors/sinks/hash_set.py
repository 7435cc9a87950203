"""A set of 64-bit hashes that answers for a whole batch at once.

The store cannot look a few keys up in a large table without reading the whole
column (DuckDB uses its indexes for a single key, not for a join), so the sink
keeps the hashes of the keys it must ask about here. A hash shared by two keys
only makes the sink look closer; a key is never missed.
"""

from __future__ import annotations

import numpy as np

MERGE_AT = 200_000  # recent additions kept apart before they join the large sorted array
_EMPTY = np.empty(0, dtype=np.uint64)


def _merged(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two sorted arrays of distinct hashes as one."""
    merged = np.concatenate([a, b])
    merged.sort(kind="stable")  # two sorted runs: Timsort merges them in one pass
    keep = np.ones(len(merged), dtype=bool)
    keep[1:] = merged[1:] != merged[:-1]
    return merged[keep]


def _within(sorted_hashes: np.ndarray, asked: np.ndarray) -> np.ndarray:
    """Whether each of `asked` (sorted: the bisection walks the large array one way) is in `sorted_hashes`."""
    if not len(sorted_hashes) or not len(asked):
        return np.zeros(len(asked), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_hashes, asked), len(sorted_hashes) - 1)
    return sorted_hashes[at] == asked


class HashSet:
    """Two sorted arrays, both searched by bisection: the large one of millions,
    rebuilt once every MERGE_AT additions, and the recent additions, merged in
    at each addition (a batch asks about thousands of hashes several times a
    second; a sort of both against each other cost a core's tenth)."""

    def __init__(self, hashes: np.ndarray) -> None:
        self._sorted = np.unique(np.asarray(hashes, dtype=np.uint64))
        self._recent = _EMPTY

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def add(self, hashes: np.ndarray) -> None:
        hashes = np.unique(np.asarray(hashes, dtype=np.uint64))
        hashes = hashes[~_within(self._sorted, hashes)]
        if not len(hashes):
            return
        self._recent = _merged(self._recent, hashes)
        if len(self._recent) >= MERGE_AT:
            self._sorted, self._recent = _merged(self._sorted, self._recent), _EMPTY

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """One bool per hash: whether it is in the set."""
        hashes = np.asarray(hashes, dtype=np.uint64)
        order = np.argsort(hashes)
        asked = hashes[order]
        found = np.empty(len(hashes), dtype=bool)
        found[order] = _within(self._sorted, asked) | _within(self._recent, asked)
        return found
