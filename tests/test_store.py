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
