from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from cbec.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "cbec.cli", *args], capture_output=True, text=True, timeout=300)


def test_summary_json_equals_an_independent_count(promo_db, capsys):
    assert main(["summary", "--db", str(promo_db), "--date", "2019-11-11", "--until", "00:05", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    con = duckdb.connect(str(promo_db), read_only=True)
    n, v = con.execute(
        "SELECT count(*), sum(goods_value_fen) FROM inventory_list "
        "WHERE released_at >= '2019-11-11' AND released_at < '2019-11-11 00:05'"
    ).fetchall()[0]
    by_site = dict(
        con.execute(
            "SELECT site_code, count(*) FROM inventory_list WHERE released_at >= '2019-11-11' "
            "AND released_at < '2019-11-11 00:05' GROUP BY 1"
        ).fetchall()
    )
    con.close()
    assert out["released_lists"] == n > 100_000
    assert out["goods_value_cny"] == pytest.approx(v / 100, abs=0.005)
    assert {k: x["released_lists"] for k, x in out["by_site"].items()} == by_site
    assert set(out) >= {"released_lists", "goods_value_cny", "by_site"}


def test_summary_until_cuts_at_the_minute(promo_db, capsys):
    main(["summary", "--db", str(promo_db), "--date", "2019-11-11", "--until", "00:02", "--json"])
    two = json.loads(capsys.readouterr().out)["released_lists"]
    main(["summary", "--db", str(promo_db), "--date", "2019-11-11", "--until", "00:05", "--json"])
    five = json.loads(capsys.readouterr().out)["released_lists"]
    assert 0 < two < five


def test_simulate_then_summary_from_the_command_line(tmp_path):
    db = tmp_path / "s.duckdb"
    sim = run("simulate", "--date", "2019-06-18", "--until", "00:02", "--db", str(db), "--seed", "7", "--quiet")
    assert sim.returncode == 0, sim.stderr
    out = run("summary", "--db", str(db), "--date", "2019-06-18", "--until", "00:02", "--json")
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["released_lists"] > 0 and set(body["by_site"]) == {"bsq", "hzw", "meishan", "lishe"}
    # the same window again changes nothing
    assert (
        run(
            "simulate", "--date", "2019-06-18", "--until", "00:02", "--db", str(db), "--seed", "7", "--quiet"
        ).returncode
        == 0
    )
    again = json.loads(run("summary", "--db", str(db), "--date", "2019-06-18", "--until", "00:02", "--json").stdout)
    assert again == body


@pytest.mark.parametrize(
    "args, message",
    [
        (["summary", "--db", "/nonexistent/x.duckdb", "--date", "2019-11-11"], "database file not found"),
        (["summary", "--db", "x.duckdb", "--date", "2019-13-45"], "not a date"),
        (["summary", "--db", "x.duckdb", "--date", "2019-11-11", "--until", "25:00"], "not a time of day"),
        (["simulate", "--db", "x.duckdb", "--date", "yesterday"], "not a date"),
    ],
)
def test_errors_are_one_clear_line(args, message, tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "cbec.cli", *args], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert out.returncode == 2
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr
