"""Golden cases for the store sink: each case folder is written in order, twice,
and in reverse order; the store must hold the same expected result every time."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from collectors.records import make_batch
from collectors.sinks.duckdb_sink import DuckDBSink
from queries.reference import load_reference
from queries.store import Store

CASES = sorted(p for p in (Path(__file__).parent / "golden" / "sink").iterdir() if p.is_dir())
DECLARATION_DEFAULTS = {
    "invt_no": None,
    "area_code": None,
    "app_type": 1,
    "line_count": 1,
    "category_code": "other",
    "ebp_code": "SIMEBP0001",
    "customs_code": "3105",
    "trade_mode": "1210",
}
RECEIPT_DEFAULTS = {"invt_no": None, "ebp_code": "SIMEBP0001", "customs_code": "3105", "return_info": None}


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def load_batches(case: Path):
    batches = []
    for line in (case / "batches.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        defaults = DECLARATION_DEFAULTS if item["kind"] == "declaration" else RECEIPT_DEFAULTS
        records = []
        for r in item["records"]:
            r = {**defaults, **r}
            if item["kind"] == "declaration":  # one line worth the list's value
                price = Decimal(r["goods_value_fen"]) / 100
                r = {"line_gnum": [1], "line_price": [price], "line_qty": [Decimal(1)], **r}
            for k in ("app_time", "return_time"):
                if k in r:
                    r[k] = _ts(r[k])
            records.append(r)
        columns = {k: [r[k] for r in records] for k in records[0]}
        batches.append(make_batch(item["kind"], columns, "golden"))
    return batches


def observed(store: Store) -> dict:
    con = store.cursor()
    q = lambda text: con.execute(text).fetchall()  # noqa: E731 - independent checks, not product SQL
    released, value, valued = q(
        "SELECT coalesce(sum(released_lists),0), coalesce(sum(goods_value_fen),0), "
        "coalesce(sum(valued_lists),0) FROM release_minute"
    )[0]
    raw_released = q("SELECT count(*) FROM inventory_list WHERE released_at IS NOT NULL")[0][0]
    raw_value = q("SELECT coalesce(sum(goods_value_fen),0) FROM inventory_list WHERE released_at IS NOT NULL")[0][0]
    assert (released, value) == (raw_released, raw_value), "rollup disagrees with the facts"
    by_category = q(
        "SELECT category_code, sum(released_lists), sum(goods_value_fen) FROM release_category_minute"
        " GROUP BY 1 HAVING sum(released_lists) <> 0 OR sum(goods_value_fen) <> 0 ORDER BY 1"
    )
    raw_by_category = q(
        "SELECT coalesce(category_code, 'unknown'), count(*), coalesce(sum(goods_value_fen), 0)"
        " FROM inventory_list WHERE released_at IS NOT NULL GROUP BY 1 ORDER BY 1"
    )
    assert by_category == raw_by_category, "category rollup disagrees with the facts"
    by_latency = q(
        "SELECT minute, site_code, latency_cs, sum(lists) FROM release_latency_minute"
        " GROUP BY ALL HAVING sum(lists) <> 0 ORDER BY ALL"
    )
    raw_by_latency = q(
        "SELECT date_trunc('minute', released_at), coalesce(site_code, 'unknown'),"
        " round(epoch(released_at - declared_at) * 100)::BIGINT, count(*) FROM inventory_list"
        " WHERE released_at >= declared_at GROUP BY ALL ORDER BY ALL"
    )  # every golden list is released within a minute of its declaration: centiseconds
    assert by_latency == raw_by_latency, "latency rollup disagrees with the facts"
    return {
        "released_lists": released,
        "goods_value_fen": value,
        "valued_lists": valued,
        "receipts": q("SELECT count(*) FROM receipt")[0][0],
        "lists": q("SELECT count(*) FROM inventory_list")[0][0],
        "by_site": dict(
            q("SELECT site_code, sum(released_lists) FROM release_minute GROUP BY 1 HAVING sum(released_lists) > 0")
        ),
        "last_status": dict(q("SELECT cop_no, last_status FROM inventory_list")),
        "category": dict(q("SELECT cop_no, category_code FROM inventory_list")),
        "release_minutes": {
            str(m): n
            for m, n in q(
                "SELECT minute, sum(released_lists) FROM release_minute GROUP BY 1 HAVING sum(released_lists) <> 0"
            )
        },
    }


def check(expected: dict, got: dict) -> None:
    for key, want in expected.items():
        assert got[key] == want, f"{key}: expected {want}, got {got[key]}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("order", ["in_order", "twice", "reversed"])
def test_golden_case(case, order, tmp_path, config):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    store = Store(tmp_path / "g.duckdb")
    load_reference(store, config)
    sink = DuckDBSink(store)
    batches = load_batches(case)
    if order == "twice":
        batches = batches + batches
    elif order == "reversed":
        batches = list(reversed(batches))
    for b in batches:
        sink.write(b)
    check(expected, observed(store))
    store.close()
