"""The sink's set of list-number hashes answers like a set, before and after its
recent additions are merged into the sorted part."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.sinks import hash_set
from collectors.sinks.hash_set import HashSet

HASHES = st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=60)


@settings(max_examples=200, deadline=None)
@given(first=HASHES, added=st.lists(HASHES, max_size=6), asked=HASHES)
def test_it_answers_as_a_python_set_would(first, added, asked):
    hash_set.MERGE_AT = 7  # merges happen within a few additions
    try:
        s, expected = HashSet(np.array(first, dtype=np.uint64)), set(first)
        for more in added:
            s.add(np.array(more, dtype=np.uint64))
            expected |= set(more)
        probe = asked + list(expected)[:20]
        assert s.contains(np.array(probe, dtype=np.uint64)).tolist() == [h in expected for h in probe]
        assert len(s) == len(expected)
    finally:
        hash_set.MERGE_AT = 200_000


def test_an_empty_set_holds_nothing():
    s = HashSet(np.array([], dtype=np.uint64))
    assert s.contains(np.array([0, 2**64 - 1], dtype=np.uint64)).tolist() == [False, False]
