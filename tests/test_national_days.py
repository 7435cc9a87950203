"""The national runtime's table of the districts' day_total rows stays exactly equal to
the exports: a rewritten day, a new day and a removed day are seen at the next query,
a staging folder never is, and an unchanged folder is not read again."""

from __future__ import annotations

import shutil
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from base.config import District, NationalConfig
from core import exports, national
from queries import read
from queries.store import Store

DAY = date(2019, 11, 11)
CODES = ("3100", "2900")
SCHEMA = pa.schema(
    [("released_lists", pa.int64()), ("goods_value_fen", pa.int64()), ("valued_lists", pa.int64()),
     ("cancelled_lists", pa.int64()), ("cancelled_value_fen", pa.int64()),
     ("returned_value", pa.decimal128(38, 10)), ("tax_assessed", pa.decimal128(38, 5)),
     ("tax_voided", pa.decimal128(38, 5)), ("format_rejects", pa.int64())]
)  # fmt: skip


def write(root: Path, code: str, day: date, lists: int) -> Path:
    """One day's day_total as core/exports.py writes it: staged whole, then swapped in."""
    target = exports.day_folder(root, code, day)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f"{exports.STAGING}{target.name}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    row = [lists, lists * 12345, lists, lists % 7, lists % 7 * 99, Decimal("0.1234567891"), Decimal("1.00001") * lists,
           Decimal("0.33333"), lists % 3]  # fmt: skip
    pq.write_table(pa.table([[v] for v in row], schema=SCHEMA), staging / "day_total.parquet")
    exports._swap_in(staging, target)
    shutil.rmtree(staging, ignore_errors=True)
    return target


@pytest.fixture
def setup(tmp_path):
    root = tmp_path / "exports"
    for i, code in enumerate(CODES):
        for n in range(5):
            write(root, code, DAY - timedelta(days=n), 1000 * (i + 1) + n)
        write(root, code, date(2018, 11, 11), 500 + i)
    store = Store(tmp_path / "national.duckdb")
    cfg = NationalConfig("http://127.0.0.1:1", root, tuple(District(c, c, c) for c in (*CODES, "3300")))
    yield cfg, national.DayTotals(store, root)
    store.close()


def assert_equal_to_exports(cfg, totals, first, last):
    direct = national.days(cfg, first, last)
    assert national.days(cfg, first, last, totals) == direct
    con = duckdb.connect()
    for window in ((first, last), (DAY - timedelta(days=400), DAY)):
        with totals.store.reading() as c:
            assert read.national_by_district_loaded(c, *window) == read.national_by_district(con, cfg.exports, *window)
    return direct


def test_the_table_equals_the_exports_and_loads_only_what_changed(setup):
    cfg, totals = setup
    assert totals.refresh() == (12, 0)  # five days and last year's of each district, once
    assert totals.refresh() == (0, 0)
    days = assert_equal_to_exports(cfg, totals, DAY - timedelta(days=4), DAY)
    assert [d.days for d in days] == [5, 5, 0] and days[0].now.released_lists == sum(2000 + n for n in range(5))
    assert days[0].now.adjustments.tax_assessed == Decimal("1.00001") * days[0].now.released_lists

    write(cfg.exports, "3100", DAY, 7777)  # a day rewritten with new figures
    write(cfg.exports, "2900", DAY + timedelta(days=1), 42)  # a new day
    shutil.rmtree(exports.day_folder(cfg.exports, "3100", DAY - timedelta(days=2)))  # a day removed
    days = assert_equal_to_exports(cfg, totals, DAY - timedelta(days=4), DAY + timedelta(days=1))
    assert totals.refresh() == (0, 0)  # the query refreshed already
    by = {d.district.code: d for d in days}
    assert by["3100"].days == 4 and by["3100"].now.released_lists == 7777 + 1001 + 1003 + 1004
    assert by["2900"].days == 6


def test_a_staging_folder_is_never_loaded(setup):
    cfg, totals = setup
    totals.refresh()
    parent = exports.day_folder(cfg.exports, "3100", DAY).parent
    half = parent / f"{exports.STAGING}date={DAY.isoformat()}-deadbeef"
    half.mkdir()
    (half / "day_total.parquet").write_bytes(b"PAR1 half written")
    new = parent / f"{exports.STAGING}date={(DAY + timedelta(days=1)).isoformat()}-deadbeef"
    shutil.copytree(exports.day_folder(cfg.exports, "3100", DAY), new)
    assert totals.refresh() == (0, 0)
    assert_equal_to_exports(cfg, totals, DAY - timedelta(days=4), DAY + timedelta(days=1))


def test_a_new_instance_keeps_what_the_file_holds(setup, tmp_path):
    cfg, totals = setup
    totals.refresh()
    again = national.DayTotals(totals.store, cfg.exports)
    assert again.refresh() == (0, 0)
    shutil.rmtree(cfg.exports)
    assert again.refresh() == (0, 12)
    assert national.days(cfg, DAY, DAY, again) == national.days(cfg, DAY, DAY)
