"""The walls' declaration-to-release median and p95 come from a per-minute
histogram the sink keeps; they must be the exact quantiles of the lists
themselves, whatever order and repetition the messages come in."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from collectors.records import make_batch
from collectors.sinks.duckdb_sink import DuckDBSink
from queries import read
from queries.reference import load_reference
from queries.store import Store

T0 = datetime(2019, 11, 11, 0, 30)
CUSTOMS = ("3105", "3117", "3120", "3109")  # three sites, one of them by two codes
EXACT = """
    SELECT quantile_cont(epoch(released_at - declared_at), 0.5), quantile_cont(epoch(released_at - declared_at), 0.95),
           count(*)
    FROM inventory_list
    WHERE released_at >= ? AND released_at < ? AND declared_at <= released_at AND (? OR site_code = ?)
"""  # independent of the product's SQL: straight from the lists


def _head(lists: list[tuple]) -> dict:
    """What a list's declaration and its receipts both name."""
    return {
        "ebc_code": ["E1"] * len(lists),
        "cop_no": [c for c, *_ in lists],
        "invt_no": [None] * len(lists),
        "customs_code": [code for _, code, _, _ in lists],
        "ebp_code": ["SIMEBP0001"] * len(lists),
    }


def _declarations(lists: list[tuple]) -> dict:
    return _head(lists) | {
        "area_code": [None] * len(lists),
        "app_time": [declared for _, _, declared, _ in lists],
        "app_type": [1] * len(lists),
        "goods_value_fen": [10000] * len(lists),
        "line_count": [1] * len(lists),
        "category_code": ["other"] * len(lists),
        "trade_mode": ["1210"] * len(lists),
        "line_gnum": [[1]] * len(lists),
        "line_price": [[Decimal(100)]] * len(lists),
        "line_qty": [[Decimal(1)]] * len(lists),
    }


def _releases(lists: list[tuple]) -> dict:
    return _head(lists) | {
        "return_status": [800] * len(lists),
        "return_time": [released for *_, released in lists],
        "return_info": [None] * len(lists),
    }


def _night(rng: random.Random, n: int, whole_seconds: bool) -> list[tuple]:
    """(number, customs code, declared, released): most lists in seconds, some
    after minutes of review, a few after hours."""
    out = []
    for i in range(n):
        declared = T0 + timedelta(seconds=rng.uniform(0, 1200))
        took = rng.choice([rng.expovariate(0.7), rng.uniform(60, 3000), rng.uniform(3600, 20000)])
        released = declared + timedelta(seconds=took)
        if whole_seconds:  # as real messages carry them
            declared, released = declared.replace(microsecond=0), released.replace(microsecond=0)
        out.append((f"C{i:05d}", rng.choice(CUSTOMS), declared, released))
    return out


def _write(store: Store, lists: list[tuple], rng: random.Random, repeats: bool) -> None:
    """Declarations and releases in random batches, the releases of some before
    their declaration, some batches twice."""
    sink = DuckDBSink(store)
    batches = []
    for i in range(0, len(lists), 37):
        part = lists[i : i + 37]
        batches += [make_batch("declaration", _declarations(part), "t"), make_batch("receipt", _releases(part), "t")]
    rng.shuffle(batches)
    for b in batches + (rng.sample(batches, len(batches) // 3) if repeats else []):
        sink.write(b)


def _check(store: Store, now: datetime, tolerance: float) -> None:
    minute = now.replace(second=0, microsecond=0)
    start, end = minute - timedelta(minutes=14), minute + timedelta(minutes=1)
    con = store.cursor()
    got = read.release_latency(con, start, end)
    sites = {s for s in got if s is not None}
    assert sites and None in got
    for site in [None, *sites]:
        median, p95, n = con.execute(EXACT, [start, end, site is None, site]).fetchall()[0]
        assert got[site].lists == n > 0
        assert got[site].median_s == pytest.approx(median, abs=tolerance)
        assert got[site].p95_s == pytest.approx(p95, abs=tolerance)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_walls_release_times_are_the_exact_quantiles_of_real_messages(store, seed):
    """Whole seconds, as real messages carry them: exactly DuckDB's quantile_cont."""
    rng = random.Random(seed)
    _write(store, _night(rng, 400, whole_seconds=True), rng, repeats=True)
    for now_minute in (5, 20, 35, 120, 250):
        _check(store, T0 + timedelta(minutes=now_minute, seconds=rng.uniform(0, 59)), tolerance=1e-9)


def test_finer_times_are_kept_finer_than_the_wall_shows_them(store, config):
    """The simulator's microseconds: within 5 ms below a minute (the wall shows 0.1 s)
    and 0.5 s above (it shows whole minutes, then 0.1 h)."""
    rng = random.Random(7)
    _write(store, _night(rng, 1500, whole_seconds=False), rng, repeats=False)
    for now_minute in (8, 25, 90, 300):
        now = T0 + timedelta(minutes=now_minute)
        got = read.release_latency(store.cursor(), now.replace(second=0) - timedelta(minutes=14), now)
        for lat in got.values():
            for value in (lat.median_s, lat.p95_s):
                assert value is not None
        _check(store, now, tolerance=0.5)  # the coarser step; each value's own step is checked below
    con = store.cursor()
    worst = con.execute(
        "SELECT max(abs(latency_cs(declared_at, released_at) / 100 - epoch(released_at - declared_at))"
        "           / CASE WHEN released_at - declared_at < INTERVAL 1 MINUTE THEN 0.005"
        "                  ELSE 0.5 END)"
        " FROM inventory_list WHERE released_at >= declared_at"
    ).fetchall()[0][0]
    assert worst <= 1 + 1e-9


def test_no_release_in_the_window_shows_no_time(store):
    assert read.release_latency(store.cursor(), T0, T0 + timedelta(minutes=15)) == {}


def test_a_store_from_before_the_histogram_gets_it_from_its_lists(tmp_path, config):
    path = tmp_path / "old.duckdb"
    store = Store(path)
    load_reference(store, config)
    rng = random.Random(5)
    _write(store, _night(rng, 300, whole_seconds=True), rng, repeats=False)
    store.writer.execute("DROP TABLE release_latency_minute")  # as the file was before migration 015
    store.writer.execute("DROP MACRO latency_cs")
    store.writer.execute("DELETE FROM schema_version WHERE version = 15")
    store.close()
    store = Store(path)
    try:
        _check(store, T0 + timedelta(minutes=20), tolerance=1e-9)
    finally:
        store.close()
