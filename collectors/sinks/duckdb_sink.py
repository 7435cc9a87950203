"""Writes record batches to the store, one transaction per batch.

Every write is idempotent on the record's natural key, and keeps the rollups
(release_minute, release_category_minute, release_latency_minute, receipt_minute,
adjustment_minute)
in step with the facts in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from base.clock import now_beijing
from collectors.records import Batch, RecordError
from collectors.sinks import Adjustment, WriteResult
from collectors.sinks.hash_set import HashSet
from queries.loader import sql, statements
from queries.store import Store, transaction

_TIME_COLUMN = {
    "receipt": "return_time",
    "occupancy": "sampled_at",
    "health": "sampled_at",
    "site_measure": "sampled_at",
    "declaration": "app_time",
    "tax": "return_time",
    "tax_status": "return_time",
    "request": "app_time",
    "request_receipt": "return_time",
}


def _bounds(table: pa.Table, column: str) -> tuple[datetime, datetime]:
    mm = pc.min_max(table[column]).as_py()
    return mm["min"], mm["max"]


RECEIPTS = statements("write_receipts")
DECLARATIONS = statements("write_declarations")
RELEASES = statements("write_release_change")
ADJUSTMENTS = statements("write_adjustments")
TAX = statements("write_tax")
REQUESTS = statements("write_requests")
REJECTS = statements("write_format_rejects")


# how far before a batch's earliest time its lists are looked for first, then next: a receipt, tax
# or request mostly follows its list within minutes, and each step reads only the lists declared in
# it (the store keeps lists in arrival order, so a time range skips the rest); the numbers still
# missing are looked for among all the older lists
LIST_LOOKBACK = (timedelta(minutes=10), timedelta(hours=6))
_FAR = datetime(9999, 12, 31)


def _count(con, statement: str, params: dict | None = None) -> int:
    return int(con.execute(statement, params or {}).fetchall()[0][0])


class DuckDBSink:
    def __init__(self, store: Store):
        self.store = store
        self._figured: HashSet | None = None  # hashes of the list numbers with figures (`_with_figures`)
        con = store.writer
        with store.write_lock:
            # placeholders so the view below binds; replaced by each batch
            con.execute(RELEASES["touched_placeholder"])
            con.execute(RELEASES["released_now_view"])
            con.execute(ADJUSTMENTS["touched_invt_placeholder"])
            con.execute(ADJUSTMENTS["adjusted_now_view"])
            self._figures()  # read now, not in the first batch a screen waits for

    def write(self, batch: Batch) -> WriteResult:
        if batch.table.num_rows == 0:
            return WriteResult(batch.kind, 0, 0, 0)
        writer = {
            "receipt": self._receipts,
            "declaration": self._declarations,
            "occupancy": self._occupancy,
            "health": self._health,
            "site_measure": self._site_measures,
            "release_minute": self._aggregates,
            "release_category_minute": self._aggregates,
            "receipt_minute": self._aggregates,
            "adjustment_minute": self._aggregates,
            "tax": self._tax,
            "tax_status": self._tax_status,
            "request": self._requests,
            "request_receipt": self._request_receipts,
            "format_reject": self._format_rejects,
            "quarantine": self._quarantine,
        }.get(batch.kind)
        if writer is None:
            raise RecordError(f"no writer for record kind {batch.kind!r}")
        con = self.store.writer
        with self.store.write_lock:
            con.register(f"batch_{batch.kind}", batch.table)
            try:
                with transaction(con):
                    result = writer(con, batch)
                    con.execute(sql("write_scratch"))
                self.store.commits += 1
            finally:
                con.unregister(f"batch_{batch.kind}")
        return result

    # -- inventory lists and receipts ------------------------------------------
    def _released_change(self, con, statements: dict[str, str], earliest: datetime | None) -> tuple[dict, dict]:
        """Merges the touched lists (the batch's `merge_lists`, `insert_lists`) between two
        snapshots of what is released and of what is cancelled, returned and taxed, and
        adds the differences to the rollups. `earliest`: the batch's earliest time."""
        cop_lo, cop_hi = con.execute(RELEASES["touched_bounds"]).fetchall()[0]
        bounds = {"cop_lo": cop_lo, "cop_hi": cop_hi}
        con.execute(ADJUSTMENTS["list_invt"], bounds)
        named = self._with_figures(con.execute(ADJUSTMENTS["candidate_hashes"]).fetchnumpy()["h"])
        adjusting = len(named) > 0  # most batches touch no taxed, cancelled or returned list
        con.execute(RELEASES["before"])
        if adjusting:
            con.execute(ADJUSTMENTS["touched_invt_given"], {"h": named.tolist()})
            con.execute(ADJUSTMENTS["known_all"])
            self._find_lists(con, earliest)
            con.execute(ADJUSTMENTS["before"])
        con.execute(statements["merge_lists"], bounds)
        con.execute(statements["insert_lists"], bounds)
        con.execute(RELEASES["after"])
        con.execute(RELEASES["delta"])
        con.execute(RELEASES["minute_delta"])
        con.execute(RELEASES["category_delta"])
        con.execute(RELEASES["latency_delta"])
        rows = con.execute(RELEASES["delta_by_site"]).fetchall()
        released = {(site, platform, mode): (int(n), int(v)) for site, platform, mode, n, v in rows}
        if not adjusting:
            return released, {}
        self._find_lists(con, earliest)  # the batch changed them
        return released, self._adjusted(con)

    @staticmethod
    def _find_lists(con, earliest: datetime | None) -> None:
        """The stored lists of the touched list numbers into `touched_lists`, the
        recent ones first (queries/sql/write_adjustments.sql, `lists_none`)."""
        con.execute(ADJUSTMENTS["lists_none"])
        until = _FAR
        if earliest is not None:
            for back in LIST_LOOKBACK:
                since = earliest - back
                con.execute(ADJUSTMENTS["lists_between"], {"since": since, "until": until})
                until = since
                if not _count(con, ADJUSTMENTS["lists_missing"]):
                    return
        con.execute(ADJUSTMENTS["lists_before"], {"until": until})

    def _figures(self) -> HashSet:
        """The hashes of the list numbers a tax, cancellation or return names: read
        from the store the first time they are asked for, then kept up by the writes."""
        if self._figured is None:
            self._figured = HashSet(self.store.writer.execute(ADJUSTMENTS["adjusting_hashes"]).fetchnumpy()["h"])
        return self._figured

    def _with_figures(self, hashes: np.ndarray) -> np.ndarray:
        """Those of the list numbers' hashes that are of numbers with figures."""
        return hashes[self._figures().contains(hashes)]

    def _adjusted(self, con) -> dict[tuple[str, str], Adjustment]:
        """After the batch's writes: the adjustment snapshot's difference into the rollup."""
        con.execute(ADJUSTMENTS["after"])
        con.execute(ADJUSTMENTS["delta"])
        con.execute(ADJUSTMENTS["minute_delta"])
        return {
            (site, mode): Adjustment(int(n), int(v), float(r), float(a), float(x))
            for site, mode, n, v, r, a, x in con.execute(ADJUSTMENTS["delta_by_site"]).fetchall()
        }

    def _receipts(self, con, batch: Batch) -> WriteResult:
        """queries/sql/write_receipts.sql, top to bottom."""
        q = RECEIPTS
        lo, hi, cop_lo, cop_hi = con.execute(q["bounds"]).fetchall()[0]
        # deduplicating is the costliest step of a bulk load and a batch seldom repeats a key
        repeats = _count(con, q["repeats"])
        con.execute(q["in_distinct"] if repeats else q["in_as_is"])
        bounds = {"lo": lo, "hi": hi, "cop_lo": cop_lo, "cop_hi": cop_hi}
        if repeats or _count(con, q["stored"], bounds):
            con.execute(q["fresh"], bounds)
            con.execute(q["fresh_kept"])
        else:
            con.execute(q["fresh_as_is"])
        new = _count(con, q["fresh_count"])
        con.execute(q["insert"], {"source": batch.source, "ingested_at": now_beijing()})
        con.execute(q["minute"])
        statuses = [(site, int(st), int(n)) for site, st, n in con.execute(q["fresh_by_status"]).fetchall()]
        con.execute(q["touched"])
        released, adjusted = self._released_change(con, q, lo)
        return WriteResult("receipt", len(batch), new, len(batch) - new, released, statuses, adjusted)

    def _declarations(self, con, batch: Batch) -> WriteResult:
        """queries/sql/write_declarations.sql, top to bottom."""
        q = DECLARATIONS
        con.execute(q["in_newest"] if _count(con, q["repeats"]) else q["in_as_is"])
        con.execute(q["touched"])
        touched = _count(con, q["touched_count"])
        known = _count(con, q["known"])
        released, adjusted = self._released_change(con, q, _bounds(batch.table, "app_time")[0])
        new = touched - known
        return WriteResult("declaration", len(batch), new, len(batch) - new, released, adjusted=adjusted)

    # -- tax, cancellations, returns, format rejects --------------------------------
    def _adjusting(self, con, batch: Batch, touched: str, insert: str, fresh: str | None = None) -> WriteResult:
        """Stores a batch of records that change adjustments, between the two snapshots.
        With `fresh` (tax receipts), the batch's new records are gathered first, and the
        snapshots read the stored ones only of lists that had figures before it."""
        lo, hi = _bounds(batch.table, _TIME_COLUMN[batch.kind])
        con.execute(touched)
        hashes = con.execute(ADJUSTMENTS["touched_invt_hashes"]).fetchnumpy()["h"]
        named = self._with_figures(hashes) if fresh else None
        if named is not None:
            con.execute(ADJUSTMENTS["known_given"], {"h": named.tolist()})
        else:
            con.execute(ADJUSTMENTS["known_all"])
        self._find_lists(con, lo)  # a tax, cancellation or return changes no list
        con.execute(ADJUSTMENTS["before_none" if named is not None and not len(named) else "before"])
        params = {"lo": lo, "hi": hi, "source": batch.source, "ingested_at": now_beijing()}
        if fresh:
            con.execute(fresh, params)
            new = _count(con, insert)
        else:
            new = _count(con, insert, params)
        self._figures().add(hashes)
        adjusted = self._adjusted(con)
        return WriteResult(batch.kind, len(batch), new, len(batch) - new, adjusted=adjusted)

    def _tax(self, con, batch: Batch) -> WriteResult:
        return self._adjusting(con, batch, TAX["touched_tax"], TAX["insert_tax"], fresh=TAX["fresh_tax"])

    def _tax_status(self, con, batch: Batch) -> WriteResult:
        return self._adjusting(con, batch, TAX["touched_tax_status"], TAX["insert_tax_status"])

    def _requests(self, con, batch: Batch) -> WriteResult:
        return self._adjusting(con, batch, REQUESTS["touched_request"], REQUESTS["insert_request"])

    def _request_receipts(self, con, batch: Batch) -> WriteResult:
        return self._adjusting(con, batch, REQUESTS["touched_request_receipt"], REQUESTS["insert_request_receipt"])

    def _format_rejects(self, con, batch: Batch) -> WriteResult:
        lo, hi = _bounds(batch.table, "return_time")
        con.execute(REJECTS["fresh"], {"lo": lo, "hi": hi})
        con.execute(REJECTS["insert"], {"source": batch.source, "ingested_at": now_beijing()})
        con.execute(REJECTS["minute"])
        rejects = {t: int(n) for t, n in con.execute(REJECTS["by_type"]).fetchall()}
        new = sum(rejects.values())
        return WriteResult("format_reject", len(batch), new, len(batch) - new, rejects=rejects)

    def _quarantine(self, con, batch: Batch) -> WriteResult:
        con.execute(sql("write_quarantine"), {"source": batch.source})
        return WriteResult("quarantine", len(batch), len(batch), 0)

    # -- simulated history ----------------------------------------------------------
    def _aggregates(self, con, batch: Batch) -> WriteResult:
        if batch.span is None:
            raise RecordError(f"{batch.kind}: an aggregate batch needs the span it covers")
        lo, hi = _bounds(batch.table, "minute")
        new = con.execute(sql(f"write_backfill_{batch.kind}"), {"lo": lo, "hi": hi}).fetchall()[0][0]
        con.execute(
            sql("write_backfill_range"),
            {
                "from_minute": batch.span[0],
                "until_minute": batch.span[1],
                "source": batch.source,
                "written_at": now_beijing(),
            },
        )
        return WriteResult(batch.kind, len(batch), int(new), len(batch) - int(new))

    # -- samples ----------------------------------------------------------------
    def _occupancy(self, con, batch: Batch) -> WriteResult:
        unknown = [r[0] for r in con.execute(sql("write_occupancy_unknown")).fetchall()]
        if unknown:
            raise RecordError(f"occupancy.warehouse_code: unknown warehouse(s) {', '.join(unknown[:5])}")
        return self._samples(con, batch, "write_occupancy")

    def _site_measures(self, con, batch: Batch) -> WriteResult:
        unknown = [r[0] for r in con.execute(sql("write_site_measure_unknown")).fetchall()]
        if unknown:
            raise RecordError(f"site_measure.site_code: unknown site(s) {', '.join(unknown[:5])}")
        return self._samples(con, batch, "write_site_measure")

    def _health(self, con, batch: Batch) -> WriteResult:
        return self._samples(con, batch, "write_health")

    def _samples(self, con, batch: Batch, name: str) -> WriteResult:
        lo, hi = _bounds(batch.table, "sampled_at")
        new = con.execute(sql(name), {"lo": lo, "hi": hi, "source": batch.source}).fetchall()[0][0]
        return WriteResult(batch.kind, len(batch), int(new), len(batch) - int(new))
