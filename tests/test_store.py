from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from queries.store import LATEST_VERSION, Store, StoreError, migrate, schema_version


def test_new_file_gets_every_migration(tmp_path):
    s = Store(tmp_path / "new.duckdb")
    assert schema_version(s.writer) == LATEST_VERSION >= 2
    s.close()


def test_older_file_is_upgraded_in_place_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=1)
    con.execute(
        "INSERT INTO receipt VALUES ('E1','C1',NULL,'bsq','tmall',800,TIMESTAMP '2019-11-11 00:00:01',"
        "NULL,'old',TIMESTAMP '2019-11-11 00:00:02')"
    )
    assert schema_version(con) == 1
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "occupancy_sample" not in tables
    con.close()

    s = Store(path)
    assert schema_version(s.writer) == LATEST_VERSION
    assert s.writer.execute("SELECT count(*) FROM receipt WHERE source = 'old'").fetchall() == [(1,)]
    assert s.writer.execute("SELECT count(*) FROM occupancy_sample").fetchall() == [(0,)]
    versions = [r[0] for r in s.writer.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
    assert versions == list(range(1, LATEST_VERSION + 1))
    s.close()


def test_foreign_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE payroll (name VARCHAR)")
    con.close()
    with pytest.raises(StoreError, match="not a cbec database"):
        Store(path)
    con = duckdb.connect(str(path))
    assert [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()] == ["payroll"]
    con.close()


def test_garbage_file_gives_one_clear_line(tmp_path):
    path = tmp_path / "garbage.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as e:
        Store(path)
    assert "\n" not in str(e.value)
    assert path.read_bytes() == b"this is not a database" * 100


def test_second_process_is_told_the_file_is_held(tmp_path):
    path = tmp_path / "held.duckdb"
    s = Store(path)
    code = (
        "import sys\nfrom queries.store import Store, StoreLocked\n"
        f"try:\n    Store({str(path)!r}, read_only=True)\nexcept StoreLocked as e:\n    print(e); sys.exit(3)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    s.close()
    assert out.returncode == 3, out.stderr
    assert "held by a running cbec server" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_lists_survive_the_move_off_the_primary_key_and_stay_one_row_per_list(tmp_path):
    from datetime import datetime
    from decimal import Decimal

    from collectors.records import make_batch
    from collectors.sinks.duckdb_sink import DuckDBSink

    path = tmp_path / "v9.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=9)
    con.execute(
        "INSERT INTO inventory_list (ebc_code, cop_no, site_code, goods_value_fen, declared_at, released_at) "
        "VALUES ('E1', 'C1', 'bsq', 12345, TIMESTAMP '2019-11-11 00:00:01', TIMESTAMP '2019-11-11 00:01:00')"
    )
    con.close()

    s = Store(path)
    assert s.writer.execute("SELECT cop_no, goods_value_fen, released_at FROM inventory_list").fetchall() == [
        ("C1", 12345, datetime(2019, 11, 11, 0, 1))
    ]
    declaration = {
        "ebc_code": ["E1", "E2", "E2"],
        "cop_no": ["C1", "C2", "C2"],
        "invt_no": [None, None, None],
        "customs_code": ["3105", "3105", "3105"],
        "ebp_code": ["P1", "P1", "P1"],
        "area_code": [None, None, None],
        "app_time": [datetime(2019, 11, 11, 0, 0, 2)] * 2 + [datetime(2019, 11, 11, 0, 0, 3)],
        "app_type": [1, 1, 1],
        "goods_value_fen": [12345, 500, 700],
        "line_count": [1, 1, 1],
        "category_code": ["food", "food", "food"],
        "trade_mode": ["1210"] * 3,
        "line_gnum": [[1]] * 3,
        "line_price": [[Decimal("123.45")], [Decimal(5)], [Decimal(7)]],
        "line_qty": [[Decimal(1)]] * 3,
    }
    sink = DuckDBSink(s)
    first = sink.write(make_batch("declaration", declaration, "test"))
    again = sink.write(make_batch("declaration", declaration, "test"))
    rows = s.writer.execute("SELECT cop_no, goods_value_fen FROM inventory_list ORDER BY cop_no").fetchall()
    # the newest version of C2 within the batch wins; the repeat changes nothing
    assert rows == [("C1", 12345), ("C2", 700)]
    assert (first.new, again.new) == (2, 0)
    s.close()
