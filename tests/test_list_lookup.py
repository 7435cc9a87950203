"""A tax, cancellation or return finds its list however long before it the list was
declared: the store looks among the recent lists first (collectors/sinks/duckdb_sink.py,
`_find_lists`), and the figures are those a look at every stored list gives."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from collectors.records import make_batch
from collectors.sinks import duckdb_sink
from collectors.sinks.duckdb_sink import DuckDBSink
from queries.reference import load_reference
from queries.store import Store

TAXED_AT = datetime(2019, 11, 11, 20, 0)
# list number -> (declared how long before its tax receipt, platform)
LISTS = {
    "31052019I000000011": (timedelta(days=8), "SIMEBP0001"),
    "31052019I000000012": (timedelta(hours=3), "SIMEBP0002"),
    "31052019I000000013": (timedelta(minutes=2), "SIMEBP0003"),
    "31052019I000000014": (timedelta(minutes=-5), "SIMEBP0001"),  # a sender's clock ahead of customs'
}
UNKNOWN = "31052019I000000099"  # a tax receipt for a list never declared


def _declarations(sink: DuckDBSink) -> None:
    numbers = list(LISTS)
    sink.write(
        make_batch(
            "declaration",
            {
                "ebc_code": ["3105960001"] * len(numbers),
                "cop_no": [f"COP-{n[-2:]}" for n in numbers],
                "invt_no": numbers,
                "customs_code": ["3105"] * len(numbers),
                "ebp_code": [LISTS[n][1] for n in numbers],
                "area_code": [None] * len(numbers),
                "app_time": [TAXED_AT - LISTS[n][0] for n in numbers],
                "app_type": [1] * len(numbers),
                "goods_value_fen": [10_000] * len(numbers),
                "line_count": [1] * len(numbers),
                "category_code": ["other"] * len(numbers),
                "trade_mode": ["1210"] * len(numbers),
                "line_gnum": [[1]] * len(numbers),
                "line_price": [[Decimal(100)]] * len(numbers),
                "line_qty": [[Decimal(1)]] * len(numbers),
            },
            "test",
        )
    )


def _taxes(sink: DuckDBSink) -> None:
    numbers = [*LISTS, UNKNOWN]
    sink.write(
        make_batch(
            "tax",
            {
                "invt_no": numbers,
                "tax_no": [f"{n}_0" for n in numbers],
                "return_time": [TAXED_AT] * len(numbers),
                "customs_tax": [Decimal(0)] * len(numbers),
                "value_added_tax": [Decimal(i + 1) for i in range(len(numbers))],
                "consumption_tax": [Decimal(0)] * len(numbers),
                "status": [1] * len(numbers),
                "ebc_code": [None] * len(numbers),
                "customs_code": ["3105"] * len(numbers),
            },
            "test",
        )
    )


def _taxed(tmp_path, config, name: str, tax_first: bool) -> list[tuple]:
    store = Store(tmp_path / f"{name}.duckdb")
    try:
        load_reference(store, config)
        sink = DuckDBSink(store)
        for write in (_taxes, _declarations) if tax_first else (_declarations, _taxes):
            write(sink)
        with store.reading() as con:
            return con.execute(
                "SELECT platform_code, trade_mode, sum(tax_assessed)::VARCHAR FROM adjustment_minute"
                " GROUP BY ALL ORDER BY ALL"
            ).fetchall()
    finally:
        store.close()


@pytest.mark.parametrize("tax_first", [False, True], ids=["list_first", "tax_first"])
def test_a_tax_finds_its_list_declared_minutes_hours_or_days_before(tmp_path, config, tax_first, monkeypatch):
    got = _taxed(tmp_path, config, "recent_first", tax_first)
    placed = [(p, mode) for p, mode, _ in got if p != "unknown"]
    assert len({p for p, _ in placed}) == 3 and {mode for _, mode in placed} == {"1210"}  # each list's own
    assert [r for r in got if r[0] == "unknown"] == [("unknown", "unknown", "5.00000")]  # the one never declared
    assert sum(Decimal(v) for _, _, v in got) == sum(range(1, len(LISTS) + 2))
    monkeypatch.setattr(duckdb_sink, "LIST_LOOKBACK", ())  # every stored list looked at at once
    assert _taxed(tmp_path, config, "all_at_once", tax_first) == got
