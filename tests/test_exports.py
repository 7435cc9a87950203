"""The districts' daily Parquet exports: a day sums exactly to `cbec summary`, rewriting
a day replaces it whole, and nothing list-level or personal leaves the district."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq
import pytest
from adjusted import seed

from base.config import District, NationalConfig, load_config
from cbec.cli import main as cli
from collectors.records import make_batch
from core import exports, national
from core.runtime import Runtime
from queries import read
from queries.store import Store

DAY = date(2019, 11, 11)
COLUMNS = {
    "minute", "site_code", "platform_code", "trade_mode", "category_code", "return_status", "message_type",
    "released_lists", "valued_lists", "goods_value_fen", "receipts", "rejects", "cancelled_lists",
    "cancelled_value_fen", "returned_value", "tax_assessed", "tax_voided", "format_rejects",
}  # fmt: skip


@pytest.fixture(scope="module")
def day_db(promo_db, tmp_path_factory, config):
    """The first five minutes of 2019-11-11 with a cancellation, a return, tax and format rejects."""
    path = tmp_path_factory.mktemp("exports") / "day.duckdb"
    shutil.copy(promo_db, path)
    rt = Runtime(config, db_path=path, with_collectors=False)
    seed(rt, datetime(2019, 11, 11, 0, 5))
    rt.stop()
    return path


def one_list(kind: str, **fields) -> object:
    key = {"ebc_code": ["E9"], "cop_no": ["EXPORT-1"], "invt_no": [None], "customs_code": ["3105"],
           "ebp_code": ["SIMEBP0001"]}  # fmt: skip
    if kind == "declaration":
        rest = {"area_code": [None], "app_type": [1], "line_count": [1], "category_code": ["food"],
                "trade_mode": ["1210"], "line_gnum": [[1]], "line_price": [[Decimal("123.45")]],
                "line_qty": [[Decimal(1)]]}  # fmt: skip
    else:
        rest = {"return_info": [None]}
    return make_batch(kind, {**key, **rest, **{k: [v] for k, v in fields.items()}}, "test")


def summary(db, day: date, capsys) -> dict:
    assert cli(["summary", "--db", str(db), "--date", day.isoformat(), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_an_exported_day_sums_exactly_to_cbec_summary(day_db, tmp_path, capsys):
    out = tmp_path / "exports"
    assert cli(["export", "--parquet", str(out), "--db", str(day_db), "--date", "2019-11-11", "--quiet"]) == 0
    folder = out / "district=3100" / "date=2019-11-11"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.parquet" for t in exports.TABLES)
    s = summary(day_db, DAY, capsys)
    (d,) = read.national_by_district(duckdb.connect(), out, DAY, DAY)
    a = d.net.adjustments
    assert d.district == "3100" and d.days == 1
    assert d.net.released_lists == s["released_lists"] > 100_000
    assert d.net.goods_value_fen == round(s["goods_value_cny"] * 100)
    assert a.cancelled_lists == s["cancelled_lists"] >= 1
    assert a.cancelled_value_fen == round(s["cancelled_value_cny"] * 100)
    assert float(round(a.returned_value, 2)) == s["returned_value_cny"] > 0
    assert float(round(a.tax_net, 2)) == s["tax"]["net_cny"] > 0
    assert d.net.released_lists - d.valued_lists == s["releases_without_declaration"]
    assert d.format_rejects == s["format_rejects"] > 0
    with Store(day_db, read_only=True).reading() as con:  # every table holds the whole day's rows
        for table in exports.TABLES[:-1]:
            n = con.execute("SELECT count(*) FROM query_table(?) WHERE minute >= ? AND minute < ?",
                            [table, datetime(2019, 11, 11), datetime(2019, 11, 12)]).fetchall()[0][0]  # fmt: skip
            assert pq.read_metadata(folder / f"{table}.parquet").num_rows == n > 0, table
    assert exports.TABLES[-1] == "day_total" and pq.read_metadata(folder / "day_total.parquet").num_rows == 1


def test_no_list_level_or_personal_column_leaves_the_district(day_db, tmp_path):
    store = Store(day_db, read_only=True)
    (written,) = exports.write_range(store, tmp_path, "3100", DAY, DAY)
    store.close()
    for table in exports.TABLES:
        names = set(pq.read_schema(written.folder / f"{table}.parquet").names)
        assert names <= COLUMNS, (table, names - COLUMNS)


def test_rewriting_a_day_replaces_it_whole_and_leaves_nothing_behind(day_db, tmp_path, config):
    db = tmp_path / "day.duckdb"
    shutil.copy(day_db, db)
    out = tmp_path / "exports"
    store = Store(db, read_only=True)
    first = exports.write_day(store, out, "3100", DAY)
    store.close()
    before = read.national_by_district(duckdb.connect(), out, DAY, DAY)[0].net
    rt = Runtime(config, db_path=db, with_collectors=False)  # one more list lands, then the day is written again
    rt.sink.write(one_list("declaration", app_time=datetime(2019, 11, 11, 0, 6), goods_value_fen=12345))
    rt.sink.write(one_list("receipt", return_status=800, return_time=datetime(2019, 11, 11, 0, 6, 2)))
    again = exports.write_day(rt.store, out, "3100", DAY)
    rt.stop()
    assert again.folder == first.folder
    (d,) = read.national_by_district(duckdb.connect(), out, DAY, DAY)
    assert d.net.released_lists == before.released_lists + 1
    assert d.net.goods_value_fen == before.goods_value_fen + 12345
    assert [p.name for p in (out / "district=3100").iterdir()] == ["date=2019-11-11"]  # no staging left


def test_the_national_table_follows_a_rewritten_day_exactly(day_db, tmp_path, config):
    db = tmp_path / "day.duckdb"
    shutil.copy(day_db, db)
    out = tmp_path / "exports"
    store = Store(db, read_only=True)
    exports.write_day(store, out, "3100", DAY)
    store.close()
    cfg = NationalConfig("http://127.0.0.1:1", out, (District("3100", "宁波海关", "Ningbo"),))
    nat = Store(tmp_path / "national.duckdb")
    totals = national.DayTotals(nat, out)
    before = national.days(cfg, DAY, DAY, totals)
    assert before == national.days(cfg, DAY, DAY) and before[0].now.released_lists > 100_000
    rt = Runtime(config, db_path=db, with_collectors=False)
    rt.sink.write(one_list("declaration", app_time=datetime(2019, 11, 11, 0, 6), goods_value_fen=12345))
    rt.sink.write(one_list("receipt", return_status=800, return_time=datetime(2019, 11, 11, 0, 6, 2)))
    exports.write_day(rt.store, out, "3100", DAY)
    exports.write_day(rt.store, out, "3100", DAY + timedelta(days=1))
    rt.stop()
    after = national.days(cfg, DAY, DAY + timedelta(days=1), totals)
    nat.close()
    assert after == national.days(cfg, DAY, DAY + timedelta(days=1))
    assert after[0].now.released_lists == before[0].now.released_lists + 1 and after[0].days == 2


def test_a_range_writes_each_day_and_a_day_without_data_is_written_empty(day_db, tmp_path):
    store = Store(day_db, read_only=True)
    written = exports.write_range(store, tmp_path, "3100", DAY - timedelta(days=1), DAY)
    store.close()
    assert [w.day for w in written] == [DAY - timedelta(days=1), DAY]
    assert written[0].rows["release_minute"] == 0
    (d,) = read.national_by_district(duckdb.connect(), tmp_path, DAY - timedelta(days=1), DAY - timedelta(days=1))
    assert d.days == 1 and d.net.released_lists == 0


def test_the_district_code_names_the_folder(tmp_path):
    assert exports.day_folder(tmp_path, load_config().district_code, DAY) == (
        tmp_path / "district=3100" / "date=2019-11-11"
    )


def test_the_running_app_writes_yesterday_after_midnight_and_today_at_each_digest_time(day_db, tmp_path, config):
    from core.report.digest import Digest

    digest_cfg = dataclasses.replace(
        config.digest, folder=tmp_path / "reports", formats=("md",), webhook_url="", parquet_folder=tmp_path / "pq"
    )
    clock = {"now": datetime(2019, 11, 12, 0, 0, 30)}
    store = Store(day_db, read_only=True)
    digest = Digest(dataclasses.replace(config, digest=digest_cfg), store, clock=lambda: clock["now"])
    loading = {"on": True}
    digest.ready = lambda: not loading["on"]
    assert digest.tick() == [] and not (tmp_path / "pq").exists()  # not while history is back-filled
    loading["on"] = False
    digest.tick()
    assert (tmp_path / "pq" / "district=3100" / "date=2019-11-11" / "day_total.parquet").is_file()
    digest.exported.clear()
    written = digest.export(clock["now"], [])
    assert [w.day for w in written] == [DAY]
    assert digest.export(datetime(2019, 11, 12, 3), []) == []  # once a day
    at_eight = digest.export(datetime(2019, 11, 12, 8), [DAY, date(2019, 11, 12)])  # the morning job's day and today
    assert [w.day for w in at_eight] == [DAY, date(2019, 11, 12)]
    store.close()
    (d,) = read.national_by_district(duckdb.connect(), tmp_path / "pq", DAY, DAY)
    assert d.net.released_lists > 100_000
