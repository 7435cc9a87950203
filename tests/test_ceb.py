"""The CEB inbox: golden cases, exactness under real delivery, hostile input,
personal data, and the crash case."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from collectors.ceb.inbox import InboxSource, Ingester, list_files
from collectors.ceb.parse import MessageError, parse_message
from collectors.simulator.source import simulate_batch
from collectors.simulator.xml_out import XmlFileSink
from core.runtime import Runtime

GOLDEN = Path(__file__).parent / "golden" / "ceb"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())
PII_MARK = b"PII-"
FAMILY_CASES = ("cancel_after_release", "partial_return", "tax_voided_after_cancellation", "format_rejects")


def totals(db: Path, day: str = "2019-11-11") -> dict:
    con = duckdb.connect(str(db), read_only=True)
    q = lambda s, *a: con.execute(s, list(a)).fetchall()  # noqa: E731 - independent checks
    n, v = q(
        "SELECT count(*), coalesce(sum(goods_value_fen), 0) FROM inventory_list "
        "WHERE released_at >= CAST(? AS DATE) AND released_at < CAST(? AS DATE) + 1",
        day,
        day,
    )[0]
    out = {
        "released_lists": n,
        "goods_value_cny": v / 100,
        "declarations": q("SELECT count(*) FROM inventory_list WHERE app_time IS NOT NULL")[0][0],
        "receipts": q("SELECT count(*) FROM receipt")[0][0],
        "taxes": q("SELECT count(*) FROM tax_receipt")[0][0],
        "by_site": dict(q("SELECT site_code, count(*) FROM inventory_list WHERE released_at IS NOT NULL GROUP BY 1")),
        "last_status": dict(q("SELECT cop_no, last_status FROM inventory_list")),
        "value_added_tax": str(q("SELECT coalesce(sum(value_added_tax), 0)::DECIMAL(18, 5) FROM tax_receipt")[0][0]),
        "return_info": " ".join(
            r[0] or "" for r in q("SELECT return_info FROM receipt ORDER BY cop_no, return_time, return_status")
        ),
    }
    con.close()
    return out


def ingest_json(paths, db: Path, *extra) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "cbec.cli", "ingest", *map(str, paths), "--db", str(db), "--json", *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def cli_json(capsys, *argv: str) -> dict:
    """The same command run in this process: the repeat passes of a golden case
    need no process start each (a case's reversed pass runs one per file)."""
    from cbec.cli import main

    capsys.readouterr()
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def summary_json(db: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "cbec.cli", "summary", "--db", str(db), "--date", "2019-11-11", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _subset(want: dict, got: dict, where: str = "") -> None:
    for key, value in want.items():
        if isinstance(value, dict):
            _subset(value, got[key], f"{where}{key}.")
        else:
            assert got[key] == value, (f"{where}{key}", got[key], value)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case_in_any_order_and_twice(case, tmp_path, capsys):
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    files = list_files([case])
    files = [f for f in files if f.name != "expected.json"]
    db = tmp_path / "g.duckdb"
    first = ingest_json(files, db)
    assert {Path(q["file"]).name: q["reason"] for q in first["quarantined"]}.keys() == expected["quarantined"].keys()
    for q in first["quarantined"]:
        assert q["reason"].startswith(expected["quarantined"][Path(q["file"]).name]), q
    got = totals(db)
    for key in ("released_lists", "goods_value_cny", "declarations", "receipts", "by_site"):
        if key in expected:
            assert got[key] == expected[key], (key, got[key])
    for cop, status in expected.get("last_status", {}).items():
        assert got["last_status"][cop] == status
    if "taxes" in expected:
        assert got["taxes"] == expected["taxes"] and got["value_added_tax"] == expected["value_added_tax"]
    if "return_info_contains" in expected:
        assert expected["return_info_contains"] in got["return_info"]
    summary = summary_json(db)
    _subset(expected.get("summary", {}), summary)

    def summary_of(store: Path) -> dict:
        return cli_json(capsys, "summary", "--db", str(store), "--date", "2019-11-11")

    again = cli_json(capsys, "ingest", *map(str, reversed(files)), "--db", str(db))
    assert totals(db) == got and summary_of(db) == summary
    assert again["duplicates"] >= first["records"].get("declaration", 0) + first["records"].get("receipt", 0) - 1

    reversed_db = tmp_path / "r.duckdb"  # in reverse, one file at a time
    for f in reversed(files):
        cli_json(capsys, "ingest", str(f), "--db", str(reversed_db))
    assert totals(reversed_db) == got and summary_of(reversed_db) == summary


def test_inbox_moves_files_only_after_commit_with_sidecars(tmp_path, config):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for case in ("basic", "partly_bad", "hostile"):
        for f in (GOLDEN / case).iterdir():
            if f.suffix == ".xml":
                shutil.copy(f, inbox / f"{case}-{f.name}")
    rt = Runtime(config, db_path=tmp_path / "i.duckdb", with_collectors=False)
    src = InboxSource("inbox", inbox, config.category_for_hs)
    got = src.collect(rt.sink)
    assert got.records > 0
    left = [p for p in inbox.iterdir() if p.is_file()]
    assert left == []
    processed = list((inbox / "processed").rglob("*.xml"))
    assert {p.name for p in processed} == {"basic-a_CEB621.xml", "basic-b_CEB622.xml", "hostile-good_beside_bad.xml"}
    assert processed[0].parent.name == rt.clock().strftime("%Y-%m-%d")
    sidecars = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (inbox / "quarantine").glob("*.reason.json")}
    assert len(sidecars) == 8
    mixed = sidecars["partly_bad-CEB622_mixed.xml.reason.json"]
    assert mixed["records_kept"] == 2 and mixed["records_refused"] == 2
    assert {(i["field"], i["line"]) for i in mixed["issues"]} == {("returnStatus", 4), ("returnTime", 5)}
    assert sidecars["hostile-not_well_formed.xml.reason.json"]["line"] is not None
    con = rt.store.cursor()
    events = con.execute("SELECT count(*) FROM quarantine_event").fetchall()[0][0]
    assert events == 8
    text = rt.metrics_text().decode()
    assert 'cbec_quarantined_files_total{collector="inbox",district="3100",reason="unsafe_xml"} 2.0' in text
    assert src.collect(rt.sink).records == 0
    rt.stop()


def test_personal_data_appears_nowhere(tmp_path, config, caplog):
    inbox = tmp_path / "inbox"
    shutil.copytree(GOLDEN / "basic", inbox)
    shutil.copy(GOLDEN / "partly_bad" / "CEB621_no_lines.xml", inbox / "bad.xml")
    (inbox / "expected.json").unlink()
    for case in FAMILY_CASES:  # CEB623/625 carry the buyer too, CEB900 the whole original message
        for f in (GOLDEN / case).glob("*.xml"):
            shutil.copy(f, inbox / f"{case}_{f.name}")
    db = tmp_path / "p.duckdb"
    rt = Runtime(config, db_path=db, with_collectors=False)
    caplog.set_level("DEBUG")
    src = InboxSource("inbox", inbox, config.category_for_hs)
    src.collect(rt.sink)
    metrics = rt.metrics_text()
    rt.stop()
    assert PII_MARK not in db.read_bytes()
    wal = db.with_name(db.name + ".wal")
    assert not wal.exists() or PII_MARK not in wal.read_bytes()
    assert PII_MARK not in metrics
    assert "PII-" not in caplog.text
    for sidecar in (inbox / "quarantine").glob("*.reason.json"):
        assert PII_MARK not in sidecar.read_bytes()


@pytest.mark.parametrize(
    "data, code",
    [
        (b"<CEB622Message xmlns='http://www.chinaport.gov.cn/ceb'>" + b"<InventoryReturn>" * 3, "malformed_xml"),
        (b"x" * 2048, "malformed_xml"),
        (b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>', "unsafe_xml"),
        (b"<r xmlns='urn:other'/>", "unknown_type"),
    ],
)
def test_hostile_bytes_give_a_reason(data, code, config):
    with pytest.raises(MessageError) as e:
        parse_message(data, config.category_for_hs)
    assert e.value.code == code


def test_size_limit(config, tmp_path):
    big = tmp_path / "big.xml"
    big.write_bytes(b"<a>" + b" " * 2000 + b"</a>")
    report = Ingester("t", config.category_for_hs, max_bytes=1000).run([big], _NullSink())
    assert report.quarantined[0]["reason"].startswith("too_large")


class _NullSink:
    def write(self, batch):
        from collectors.sinks import WriteResult

        return WriteResult(batch.kind, len(batch), len(batch), 0)


def test_simulated_files_ingest_to_the_same_totals_as_the_direct_path(tmp_path, config):
    until = datetime(2019, 11, 12, 5, 0)
    xml_dir = tmp_path / "xml"
    simulate_batch(config, XmlFileSink(xml_dir, receipt_encoding="GB2312"), until.date(), until)
    direct = tmp_path / "direct.duckdb"
    rt = Runtime(config, db_path=direct, with_collectors=False)
    simulate_batch(config, rt.sink, until.date(), until)
    rt.stop()
    via_xml = tmp_path / "xml.duckdb"
    report = ingest_json([xml_dir], via_xml)
    assert report["quarantined"] == []
    a, b = totals(direct, "2019-11-12"), totals(via_xml, "2019-11-12")
    assert a["released_lists"] == b["released_lists"] > 5_000
    assert a["goods_value_cny"] == pytest.approx(b["goods_value_cny"], abs=0.005)
    assert a["by_site"] == b["by_site"]


def test_kill_during_ingest_then_restart_counts_everything_once(tmp_path, config):
    until = datetime(2019, 11, 12, 6, 0)
    inbox = tmp_path / "inbox"
    simulate_batch(config, XmlFileSink(inbox, records_per_file=100), until.date(), until)
    reference = tmp_path / "ref.duckdb"
    ingest_json([inbox], reference)
    db = tmp_path / "crash.duckdb"
    code = (
        "import sys\nfrom pathlib import Path\nfrom base.config import load_config\n"
        "from core.runtime import Runtime\nfrom collectors.ceb.inbox import InboxSource\n"
        "c = load_config()\nrt = Runtime(c, db_path=sys.argv[1], with_collectors=False)\n"
        "src = InboxSource('inbox', Path(sys.argv[2]), c.category_for_hs)\n"
        "src.ingester.batch_records = 500\nsrc.collect(rt.sink)\nrt.stop()\n"
    )
    total = len(list(inbox.glob("*.xml")))
    for kill_after in (1, total // 3):
        proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(inbox)])
        deadline = time.monotonic() + 120
        while len(list((inbox / "processed").rglob("*.xml"))) < kill_after and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    remaining = len(list(inbox.glob("*.xml")))
    assert 0 < remaining < total, "the kills did not land in the middle of the ingest"
    rt = Runtime(config, db_path=db, with_collectors=False)
    InboxSource("inbox", inbox, config.category_for_hs, figures_seconds=None).collect(rt.sink)
    rt.stop()
    assert not list(inbox.glob("*.xml"))
    got, want = totals(db, "2019-11-12"), totals(reference, "2019-11-12")
    assert (got["released_lists"], got["receipts"], got["declarations"]) == (
        want["released_lists"],
        want["receipts"],
        want["declarations"],
    )
    assert got["goods_value_cny"] == pytest.approx(want["goods_value_cny"], abs=0.005)


@pytest.mark.parametrize(
    "prices, fen", [(["150.00", "61.38"], 21138), (["150.005"], 15001), (["0.004"], 0), (["12.5", "0.5"], 1300)]
)
def test_goods_value_is_the_sum_of_line_prices_in_fen(prices, fen, config):
    lines = "".join(
        f"<InventoryList><gcode>3304990099</gcode><totalPrice>{p}</totalPrice></InventoryList>" for p in prices
    )
    xml = (
        "<CEB621Message xmlns='http://www.chinaport.gov.cn/ceb'><Inventory><InventoryHead>"
        "<appTime>20191111000000</appTime><ebpCode>P</ebpCode><ebcCode>E</ebcCode><copNo>C</copNo>"
        f"<customsCode>3105</customsCode></InventoryHead>{lines}</Inventory></CEB621Message>"
    ).encode()
    parsed = parse_message(xml, config.category_for_hs)
    assert parsed.records["declaration"][0]["goods_value_fen"] == fen
    assert parsed.records["declaration"][0]["category_code"] == "cosmetics"


class _CountingSink:
    """Notes how many records each write carries; stores nothing."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.batches: list[int] = []
        self.kinds: list[str] = []
        self.seconds = seconds  # each write takes this long

    def write(self, batch):
        from collectors.sinks import WriteResult

        self.batches.append(len(batch))
        self.kinds.append(batch.kind)
        time.sleep(self.seconds)
        return WriteResult(batch.kind, len(batch), len(batch), 0)


def test_a_backlog_is_written_in_larger_batches(tmp_path, config):
    """A backlog (more files waiting in a run than the batch has read) is written
    in fewer, larger batches once the batch interval has passed, so the inbox
    catches up instead of paying a batch's cost for every few files; the batches
    shrink as the backlog does, so the last files are not held for the others."""
    one_list = (GOLDEN / "basic" / "a_CEB621.xml").read_bytes()
    for i in range(400):
        (tmp_path / f"{i:05d}.xml").write_bytes(one_list)
    files = list_files([tmp_path])
    single = _CountingSink()
    Ingester("t", config.category_for_hs, batch_seconds=1e-6).run(files[:1], single)
    per_file = single.batches[0]
    backlog = _CountingSink()
    Ingester("t", config.category_for_hs, batch_seconds=1e-6).run(files, backlog)
    assert sum(backlog.batches) == 400 * per_file
    assert len(backlog.batches) <= 10  # one a file without the backlog rule
    assert backlog.batches[0] >= 100 * per_file and backlog.batches[-1] <= 2 * per_file


def test_held_tax_files_are_written_once_due_within_a_long_run_not_at_its_end(tmp_path, config):
    """A backlog's run is long: tax files held for their second go with the batches,
    while the files after them are still being read."""
    (tmp_path / "00000_CEB816.xml").write_bytes((GOLDEN / "tax" / "CEB816.xml").read_bytes())
    one_list = (GOLDEN / "basic" / "a_CEB621.xml").read_bytes()
    for i in range(1, 200):
        (tmp_path / f"{i:05d}_CEB621.xml").write_bytes(one_list)
    sink = _CountingSink(seconds=0.01)
    ingester = Ingester("t", config.category_for_hs, batch_seconds=1e-6, figures_seconds=0.05)
    ingester.run(list_files([tmp_path]), sink)
    assert sink.kinds.count("tax") == 1 and not ingester.held()
    assert sink.kinds.index("tax") < len(sink.kinds) - 3  # lists were written after it, in the same run
