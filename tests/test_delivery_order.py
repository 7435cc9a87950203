"""Any order and repetition of a night's message files gives the same figures.

The exchange delivers files in batches, repeated and out of order: a receipt
before its request, a request before its list, anything twice. Hypothesis draws
deliveries of a night of every family (the golden cases together) and each must
give the summary the files give in name order, once."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from base.config import load_config
from collectors.ceb.inbox import Ingester
from collectors.sinks.duckdb_sink import DuckDBSink
from core.summary import day_summary
from queries.reference import load_reference
from queries.store import Store

GOLDEN = Path(__file__).parent / "golden" / "ceb"
NIGHT_CASES = (
    "basic",
    "repeats",
    "tax",
    "tax_corrected",
    "cancel_after_release",
    "partial_return",
    "tax_voided_after_cancellation",
    "receipt_before_request",
    "format_rejects",
)
NIGHT = sorted(f for case in NIGHT_CASES for f in (GOLDEN / case).glob("*.xml"))
CONFIG = load_config()


def _summary(deliveries: list[list[Path]]) -> dict:
    """Ingests each delivery as one run, into a fresh store, and reads the day."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "n.duckdb")
        try:
            load_reference(store, CONFIG)
            sink = DuckDBSink(store)
            ingester = Ingester("night", CONFIG.category_for_hs)
            for files in deliveries:
                report = ingester.run(files, sink)
                assert not report.quarantined, report.quarantined
            return day_summary(store.cursor(), date(2019, 11, 11))
        finally:
            store.close()


EXPECTED = _summary([NIGHT])


@st.composite
def deliveries(draw) -> list[list[Path]]:
    """Every file at least once, some again, shuffled, cut into runs."""
    again = draw(st.lists(st.sampled_from(NIGHT), max_size=len(NIGHT)))
    files = draw(st.permutations(NIGHT + again))
    cuts = sorted(draw(st.sets(st.integers(1, len(files) - 1), max_size=6)))
    return [files[a:b] for a, b in zip([0, *cuts], [*cuts, len(files)])]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # 1.4 s each here
@given(deliveries())
def test_any_order_and_repetition_of_a_night_gives_the_same_summary(runs):
    assert _summary(runs) == EXPECTED


def test_the_night_has_every_family_and_non_zero_figures():
    families = {f.name.split("_")[-1].split(".")[0][:6] for f in NIGHT} | {
        f.stem[:6] for f in NIGHT if f.stem.startswith("CEB")
    }
    assert {"CEB621", "CEB622", "CEB623", "CEB624", "CEB625", "CEB626", "CEB816", "CEB818", "CEB900"} <= families
    s = EXPECTED
    assert s["cancelled_lists"] and s["returned_value_cny"] and s["format_rejects"]
    assert s["tax"]["assessed_cny"] and s["tax"]["voided_cny"]
    assert s["by_trade_mode"]["1210"]["released_lists"] and s["by_trade_mode"]["9610"]["released_lists"]


def test_a_corrected_tax_receipt_delivered_later_replaces_the_first():
    first, corrected = sorted((GOLDEN / "tax_corrected").glob("*.xml"))
    apart = _summary([[first], [corrected]])
    assert apart == _summary([[first, corrected]]) == _summary([[corrected], [first]])
    assert apart["tax"]["assessed_cny"] == _summary([[corrected]])["tax"]["assessed_cny"]
