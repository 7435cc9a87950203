from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from base.clock import now_beijing
from cbec.cli import main
from core.access import tokens
from queries.store import Store


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


def test_a_day_without_data_exits_1_and_today_is_the_default(promo_db, capsys):
    assert main(["summary", "--db", str(promo_db), "--date", "2019-06-01"]) == 1
    assert "2019-06-01: 没有放行数据" in capsys.readouterr().err
    assert main(["summary", "--db", str(promo_db), "--json"]) == 1  # today: the test store holds 2019 only
    assert json.loads(capsys.readouterr().out)["date"] == now_beijing().date().isoformat()


def test_files_go_into_a_folder_made_for_them_and_the_rules_are_yaml(promo_db, tmp_path):
    out = tmp_path / "new" / "folder" / "rules.yml"
    assert main(["alert-rules", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("groups:\n") and yaml.safe_load(text)["groups"][0]["rules"]
    report = tmp_path / "reports" / "day.md"
    args = ["report", "--db", str(promo_db), "--date", "2019-11-11", "--until", "00:05", "--out", str(report)]
    assert main([*args, "--quiet"]) == 0 and report.stat().st_size > 0


def cbec_cli(*args: str, stdin: str = "", cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cbec.cli", *args], input=stdin, capture_output=True, text=True, timeout=60, cwd=cwd
    )


def test_user_and_token_commands_manage_accounts_and_say_what_is_wrong(tmp_path):
    db = str(tmp_path / "users.duckdb")
    assert cbec_cli("user", "add", "li", "--role", "admin", "--password-stdin", "--db", db,
                    stdin="correct horse battery\n").returncode == 0  # fmt: skip
    weak = cbec_cli("user", "add", "wu", "--role", "duty", "--password-stdin", "--db", db, stdin="short\n")
    assert weak.returncode == 2 and "at least 10 characters" in weak.stderr and "Traceback" not in weak.stderr
    last = cbec_cli("user", "disable", "li", "--db", db)
    assert last.returncode == 2 and "last admin" in last.stderr
    listed = cbec_cli("user", "list", "--db", db).stdout
    assert "li" in listed and "admin" in listed and "argon2" not in listed
    token = cbec_cli("token", "create", "hall", "--screens", "bsq", "--db", db).stdout.strip()
    assert token.startswith("cbk_")
    tid = token.split("_")[1]
    # the standby keeps the same token, so a wall that fails over to it is let in
    standby = str(tmp_path / "standby.duckdb")
    added = cbec_cli("token", "add", "hall", "--screens", "bsq", "--db", standby, stdin=token + "\n")
    assert added.returncode == 0 and tid in added.stdout and token.split("_")[2] not in added.stdout
    kept = Store(Path(standby))
    with kept.reading() as con:
        viewer = tokens.viewer_for(con, token)
        assert viewer is not None and viewer.screens == ("bsq",)
        assert tokens.viewer_for(con, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    kept.close()
    twice = cbec_cli("token", "add", "hall", "--db", standby, stdin=token + "\n")
    assert twice.returncode == 2 and "already kept" in twice.stderr
    bad = cbec_cli("token", "add", "hall", "--db", standby, stdin="not-a-token\n")
    assert bad.returncode == 2 and "not a kiosk token" in bad.stderr and "not-a-token" not in bad.stderr
    assert cbec_cli("token", "revoke", "--id", tid, "--db", db).returncode == 0
    again = cbec_cli("token", "revoke", "--id", tid, "--db", db)
    assert again.returncode == 2 and "already revoked" in again.stderr
    missing = cbec_cli("user", "add", "x", "--db", db)
    assert missing.returncode == 2 and "needs --role" in missing.stderr
    # the database file is its owner's alone
    assert (tmp_path / "users.duckdb").stat().st_mode & 0o077 == 0


# -- while the app runs: the command asks it over the local API -------------------------------------


def _window(*extra: str) -> list[str]:
    return ["--date", "2019-11-11", "--until", "00:05", *extra]


@pytest.mark.slow
def test_with_the_app_running_the_command_answers_from_the_app(promo_db, tmp_path, capsys):
    import os
    import shutil

    import httpx
    from browser import running_app

    from core.access import local_api
    from queries.store import Store, StoreLocked

    db = tmp_path / "app.duckdb"
    shutil.copy(promo_db, db)
    assert main(["summary", "--db", str(db), *_window("--json")]) == 0  # the file, before the app holds it
    from_file = json.loads(capsys.readouterr().out)
    run_file = local_api.run_file(db)
    with running_app(db) as (base, proc):
        with pytest.raises(StoreLocked):  # so any figures the command prints while it runs came from the app
            Store(db, read_only=True).close()
        assert run_file.stat().st_mode & 0o777 == 0o600

        # the real command, finding the app through the configured store (CBEC_DB), as an operator runs it
        env = {**os.environ, "CBEC_DB": str(db)}
        out = subprocess.run([sys.executable, "-m", "cbec.cli", "summary", *_window("--json")],
                             capture_output=True, text=True, timeout=60, env=env)  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == from_file and from_file["released_lists"] > 100_000

        assert main(["summary", "--db", str(db), *_window()]) == 0  # Chinese by default, sites by name
        zh = capsys.readouterr().out
        assert "放行清单" in zh and "保税区" in zh and "杭州湾新区" in zh and "bsq" not in zh
        assert f"{from_file['released_lists']:,}单" in zh
        assert main(["summary", "--db", str(db), *_window("--lang", "en")]) == 0
        assert "Bonded Zone" in capsys.readouterr().out
        assert main(["summary", "--db", str(db), "--date", "2019-06-01"]) == 1  # no data, from the app too
        assert "2019-06-01: 没有放行数据" in capsys.readouterr().err

        for name, head in (("day.md", b"# "), ("day.xlsx", b"PK"), ("day.csv", b"\xef\xbb\xbf"), ("day.pdf", b"%PDF")):
            report = tmp_path / "out" / name
            assert main(["report", "--db", str(db), *_window("--out", str(report))]) == 0
            assert report.read_bytes().startswith(head) and "宁波海关共放行" in capsys.readouterr().out
        assert "2019-11-11 00:00–00:05" in (tmp_path / "out" / "day.md").read_text(encoding="utf-8")

        # the Parquet export, written by the app that holds the file
        assert main(["export", "--parquet", str(tmp_path / "pq"), "--db", str(db), "--date", "2019-11-11"]) == 0
        assert "2019-11-11: " in capsys.readouterr().out
        assert (tmp_path / "pq" / "district=3100" / "date=2019-11-11" / "release_minute.parquet").is_file()

        assert main(["token", "create", "保税区大厅", "--screens", "bsq,city", "--db", str(db)]) == 0
        token = capsys.readouterr().out.strip()
        assert token.startswith("cbk_")
        assert main(["token", "list", "--db", str(db)]) == 0
        listed = capsys.readouterr().out
        assert "保税区大厅" in listed and "保税区、全市" in listed and "创建人" in listed and "cbk_" not in listed
        assert main(["token", "revoke", "--id", "nosuchid", "--db", str(db)]) == 2
        assert "no token 'nosuchid'" in capsys.readouterr().err
        # the wall opens with the token the running app made
        wall = httpx.get(f"{base}/api/wall/events", params={"screen": "bsq", "ticket": token}, timeout=5)
        assert wall.status_code == 200

        # without the key nobody is answered, and the command says so in one line
        assert httpx.get(f"{base}/api/local/summary", params={"date": "2019-11-11"}).status_code == 403
        good = run_file.read_text()
        run_file.write_text(good.replace(json.loads(good)["key"], "wrong"))
        assert main(["summary", "--db", str(db), *_window()]) == 2
        err = capsys.readouterr().err
        assert "refused (403)" in err and "key" in err and len(err.strip().splitlines()) == 1
        run_file.chmod(0o644)  # readable by others: not trusted
        assert main(["token", "list", "--db", str(db)]) == 2
        assert "mode 0600" in capsys.readouterr().err
        run_file.chmod(0o600)
        run_file.write_text(good)
        assert main(["summary", "--db", str(db), *_window("--json")]) == 0
        capsys.readouterr()

    # stopped: the run file is gone and the command reads the file, with the same figures
    assert not run_file.exists()
    assert main(["summary", "--db", str(db), *_window("--json")]) == 0
    assert json.loads(capsys.readouterr().out) == from_file
    con = duckdb.connect(str(db), read_only=True)
    created = con.execute(
        "SELECT actor, source, outcome FROM audit_event WHERE action = 'token.manage' AND detail LIKE 'create%'"
    ).fetchall()
    con.close()
    assert created == [(f"cli:{__import__('getpass').getuser()}", "cli", "ok")]  # the actor the file's way records


def test_a_stale_run_file_falls_back_to_the_file(promo_db, tmp_path, capsys):
    import shutil

    from core.access import local_api

    db = tmp_path / "stale.duckdb"
    shutil.copy(promo_db, db)
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid nobody holds any more: the app of this run file was killed
    run_file = local_api.run_file(db)
    run_file.write_text(json.dumps({"pid": gone.pid, "url": "http://127.0.0.1:9", "key": "k"}))
    run_file.chmod(0o600)
    assert main(["summary", "--db", str(db), *_window("--json")]) == 0
    assert json.loads(capsys.readouterr().out)["released_lists"] > 100_000
    run_file.write_text("{not json")
    assert main(["summary", "--db", str(db), *_window()]) == 2
    assert "damaged" in capsys.readouterr().err


@pytest.mark.parametrize(
    "peer, headers, allowed",
    [
        ("127.0.0.1", {"authorization": "Bearer K"}, True),
        ("::ffff:127.0.0.1", {"authorization": "Bearer K"}, True),
        ("127.0.0.1", {}, False),  # no key
        ("127.0.0.1", {"authorization": "Bearer wrong"}, False),
        ("10.0.0.5", {"authorization": "Bearer K"}, False),  # the key from elsewhere: still no
        ("127.0.0.1", {"authorization": "Bearer K", "x-forwarded-for": "10.0.0.5"}, False),  # through a proxy
    ],
)
def test_the_local_api_answers_this_machine_with_the_key_only(peer, headers, allowed, monkeypatch):
    from starlette.requests import Request

    from base.config import AccessConfig
    from core.access import http, local_api

    monkeypatch.setattr(local_api.Key, "value", "K")
    raw = [(k.encode(), v.encode()) for k, v in headers.items()]
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": raw, "client": (peer, 5000)})
    assert (http.local_refusal(request, AccessConfig(mode="demo")) is None) is allowed
    monkeypatch.setattr(local_api.Key, "value", None)  # before the app announced itself: nobody
    assert http.local_refusal(request, AccessConfig(mode="demo")) is not None
