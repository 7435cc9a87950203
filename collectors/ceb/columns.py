"""The records of messages read together, moved into one Arrow table per kind.

The second reading process (collectors/ceb/reading.py) hands its messages over
this way: a table crosses to the writing process as a few buffers, where
records of Python objects (decimals, times, strings) are pickled and rebuilt
field by field, and the writer then concatenates a batch's tables rather
than building columns from records.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from collectors.ceb.fields import Parsed
from collectors.records import RecordError, make_batch


def into_tables(parsed: Sequence[Parsed | None]) -> bool:
    """Moves the records of these messages into shared tables, each message
    keeping where its own are (`Parsed.spans`). False, with nothing moved, when
    some records do not fit their kind's schema: the writer then finds out which
    message is at fault, as it does for records read in place."""
    rows: dict[str, list[dict]] = {}
    spans: list[dict[str, tuple[int, int]]] = []
    for p in parsed:
        mine = {}
        for kind, records in (p.records if p is not None else {}).items():
            got = rows.setdefault(kind, [])
            mine[kind] = (len(got), len(records))
            got.extend(records)
        spans.append(mine)
    try:
        tables = {kind: make_batch(kind, rs, "").table for kind, rs in rows.items()}
    except RecordError:
        return False
    for p, mine in zip(parsed, spans, strict=True):
        if p is not None and mine:
            p.tables, p.spans, p.records = tables, mine, {}
    return True


def records_of(parsed: Sequence[Parsed], kind: str) -> pa.Table | list[dict] | None:
    """The records of one kind of these messages, in their order, for
    `make_batch`: one table (slices of the shared tables, contiguous ones taken
    whole, and the records held in place), the records themselves when all are
    held in place, or None when there are none."""
    parts: list[pa.Table] = []
    loose: list[dict] = []
    run: tuple[pa.Table, int, int] | None = None  # a shared table, and a run of its rows in order
    for p in parsed:
        if kind in p.spans:
            table, (offset, length) = p.tables[kind], p.spans[kind]
            if run is not None and run[0] is table and run[1] + run[2] == offset:
                run = (table, run[1], run[2] + length)
                continue
            if run is not None:
                parts.append(run[0].slice(run[1], run[2]))
            run = (table, offset, length)
        elif p.records.get(kind):
            loose.extend(p.records[kind])
    if run is not None:
        parts.append(run[0].slice(run[1], run[2]))
    if loose:
        if not parts:
            return loose
        parts.append(make_batch(kind, loose, "").table)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else pa.concat_tables(parts)
