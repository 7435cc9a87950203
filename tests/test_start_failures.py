"""The app started on a broken, foreign or truncated database file, or a broken
configuration: one clear line, no traceback, exit code 2, and the file is left
exactly as it was."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent


def start(tmp_path: Path, **env: str) -> tuple[int, str]:
    log = tmp_path / "app.log"
    with open(log, "wb") as out:
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "streamlit"), "run", "streamlit_app.py", "--server.port", "0"],
            cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, timeout=60,
        )  # fmt: skip
    return proc.returncode, log.read_text(errors="replace")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


def _foreign(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE payroll (name VARCHAR, salary INTEGER)")
    con.execute("INSERT INTO payroll VALUES ('someone', 1)")
    con.close()


def _truncated(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT range AS a FROM range(300000)")
    con.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_garbage, "not a valid DuckDB database file"),
        (_foreign, "not a cbec database; refusing to touch it"),
        (_truncated, "cannot open"),
    ],
    ids=["garbage", "foreign", "truncated"],
)
def test_a_broken_or_foreign_database_stops_the_start_with_one_line(tmp_path, make, says):
    db = tmp_path / "cbec.duckdb"
    make(db)
    before = digest(db)
    code, log = start(tmp_path, CBEC_DB=str(db))
    assert code == 2, log[-2000:]
    lines = [line for line in log.splitlines() if "cannot start:" in line]
    assert len(lines) == 1 and says in lines[0], log[-2000:]
    assert "Traceback" not in log
    assert digest(db) == before, "the file was changed"


def test_a_broken_configuration_stops_the_start_with_one_line(tmp_path):
    config = tmp_path / "cbec.toml"
    config.write_text("[store\npath = 'x'\n", encoding="utf-8")
    code, log = start(tmp_path, CBEC_CONFIG=str(config), CBEC_DB=str(tmp_path / "x.duckdb"))
    assert code == 2 and "cannot start:" in log and "Traceback" not in log, log[-2000:]


@pytest.mark.parametrize(
    "change, named",
    [
        (("[simulator]\n", "[simulator]\nenabled = true\n"), "'enabled'"),
        (("[wall]\n", "[wall]\noccupancy_high = 0.9\n"), "'occupancy_high'"),
        (('name = "ceb_inbox"\n', 'name = "ceb_inbox"\ninbx = "var/inbox"\n'), "'inbx'"),
    ],
)
def test_an_unknown_configuration_key_stops_the_start_with_one_line_naming_it(tmp_path, change, named):
    shipped = (ROOT / "assets" / "config" / "cbec.toml").read_text(encoding="utf-8")
    assert change[0] in shipped
    config = tmp_path / "cbec.toml"
    config.write_text(shipped.replace(change[0], change[1], 1), encoding="utf-8")
    code, log = start(tmp_path, CBEC_CONFIG=str(config), CBEC_DB=str(tmp_path / "x.duckdb"))
    lines = [line for line in log.splitlines() if "cannot start:" in line]
    assert code == 2 and len(lines) == 1, log[-2000:]
    assert named in lines[0] and str(config) in lines[0] and "unknown key" in lines[0]
    assert "Traceback" not in log
    assert not (tmp_path / "x.duckdb").exists(), "the store was opened"
