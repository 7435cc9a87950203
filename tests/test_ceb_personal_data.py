"""Hostile and careless input through the CEB inbox: personal data in free
text and in the wrong field, libxml2's own messages, floods of empty records,
links out of the inbox, full-width digits, forged log lines, and DTDs hidden
in UTF-16 or UTF-32."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.ceb import fields
from collectors.ceb.inbox import Ingester, list_files
from collectors.ceb.parse import ISSUES_KEPT, MessageError, coded_info, parse_message

ROOT = Path(__file__).resolve().parent.parent
NAME, ID_NUMBER, PHONE = "张小明", "330102199001011234", "13812345678"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<CEB622Message guid="G" version="1.0" xmlns="http://www.chinaport.gov.cn/ceb">\n'


def receipt(cop: str, status: str = "800", time: str = "20191111000011900", info: str = "[Code:2600;Desc:放行]") -> str:
    return (
        f"<InventoryReturn><guid>R</guid><customsCode>3105</customsCode><ebpCode>SIMEBP0001</ebpCode>"
        f"<ebcCode>3105960001</ebcCode><copNo>{cop}</copNo><returnStatus>{status}</returnStatus>"
        f"<returnTime>{time}</returnTime><returnInfo>{info}</returnInfo></InventoryReturn>\n"
    )


def message(*receipts: str) -> bytes:
    return (HEAD + "".join(receipts) + "</CEB622Message>\n").encode()


def cbec_ingest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cbec.cli", "ingest", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_return_info_keeps_only_its_coded_parts():
    assert coded_info("[Code:2600;Desc:放行]") == "[Code:2600]"
    assert coded_info(f"买家{NAME}身份证{ID_NUMBER}[Code:100;Desc:退单]电话{PHONE}") == "[Code:100]"
    # a description may name the buyer in any words; a number is no code
    assert coded_info(f"[Code:100;Desc:收件人{NAME}(QX)证件号{ID_NUMBER}不符]") == "[Code:100]"
    assert coded_info(f"[Code:{PHONE};Desc:退单][Code:{ID_NUMBER}]") is None
    assert coded_info(f"{NAME} {PHONE}") is None


def test_planted_personal_data_reaches_no_database_output_or_file_kept(tmp_path, caplog):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.xml").write_bytes(
        message(receipt("C1", info=f"[Code:2600;Desc:放行]买家{NAME}，身份证{ID_NUMBER}，电话{PHONE}"))
    )
    # a phone number in a number field, an ID in a time field, a name in a tag libxml2 will complain about
    (inbox / "wrong_field.xml").write_bytes(message(receipt("C2", status=PHONE), receipt("C3", time=ID_NUMBER)))
    (inbox / "bad_xml.xml").write_bytes(message(receipt("C4")).replace(b"</CEB622Message>", f"<{NAME}>".encode()))
    (inbox / "other_root.xml").write_bytes(f"<{NAME}{PHONE}/>".encode())
    db, moved = tmp_path / "p.duckdb", tmp_path / "moved"
    caplog.set_level(logging.DEBUG)
    out = cbec_ingest(str(inbox), "--db", str(db), "--move", str(moved), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["records"]["receipt"] == 1 and len(report["quarantined"]) == 3
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT return_info FROM receipt").fetchall() == [("[Code:2600]",)]
    reasons = " ".join(r for (r,) in con.execute("SELECT reason FROM quarantine_event").fetchall())
    con.close()
    assert "returnStatus is not a whole number" in reasons  # the field and the rule, never the value
    written = [db.read_bytes(), out.stdout.encode(), out.stderr.encode()]
    files = [p for p in moved.rglob("*") if p.is_file()]
    assert len([p for p in files if p.parent.name == "quarantine"]) == 6  # three copies, three sidecars
    written += [p.read_bytes() for p in files]
    for planted in (NAME, ID_NUMBER, PHONE):
        for blob in written:
            assert planted.encode() not in blob


def test_a_libxml2_error_names_its_rule_and_place_not_the_tags():
    with pytest.raises(MessageError) as e:
        parse_message(f"<CEB622Message><{NAME}></{NAME}x></CEB622Message>".encode(), lambda hs: "other")
    assert e.value.code == "malformed_xml" and "line 1" in e.value.reason and "ERR_" in e.value.reason
    assert NAME not in e.value.reason


def test_a_flood_of_empty_records_keeps_a_few_problems_and_a_count(tmp_path):
    flood = tmp_path / "flood.xml"
    n = 100_000
    flood.write_bytes(message(*(["<InventoryReturn/>\n"] * n)))
    quarantine = tmp_path / "q"
    report = Ingester("t", lambda hs: "other", quarantine_dir=quarantine).run([flood], _NullSink())
    assert report.quarantined[0]["reason"].startswith(f"invalid_records: {n} invalid record(s)")
    sidecar = quarantine / "flood.xml.reason.json"
    assert sidecar.stat().st_size < 20_000
    kept = json.loads(sidecar.read_text(encoding="utf-8"))
    assert kept["records_refused"] == n and len(kept["issues"]) == ISSUES_KEPT


@pytest.mark.parametrize(
    "flood",
    [
        "<InventoryReturn/>\n" * 540_000,  # invalid records: set aside
        receipt("C0") + "<note/>" * 1_500_000,  # a valid message: archived, redacted
    ],
    ids=["empty_records", "empty_free_text"],
)
def test_a_ten_megabyte_flood_ingests_and_is_set_aside_in_small_memory(tmp_path, flood):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "flood.xml").write_bytes(message(flood))
    (inbox / "good.xml").write_bytes(message(receipt("C1")))
    assert (inbox / "flood.xml").stat().st_size > 9.5 * 1024 * 1024
    code = (
        "import runpy, sys; sys.argv = ['cbec'] + sys.argv[1:];"
        'exec(\'try:\\n runpy.run_module("cbec.cli", run_name="__main__")\\nexcept SystemExit:\\n pass\');'
        # VmHWM: this program's own peak (ru_maxrss would count the test process it was forked from)
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')), file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(inbox), "--db", str(tmp_path / "f.duckdb"), "--json",
         "--move", str(tmp_path / "moved")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert json.loads(out.stdout)["records"]["receipt"] == 1 + flood.startswith("<InventoryReturn><guid>"), out.stderr
    peak_mb = int(out.stderr.strip().splitlines()[-1]) / 1024
    print(f"peak {peak_mb:.0f} MB")
    assert peak_mb < 500, f"peak memory {peak_mb:.0f} MB"  # the target is 600 MB


def test_the_inbox_takes_regular_files_only_and_never_follows_a_link(tmp_path):
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    (outside / "elsewhere.xml").write_bytes(message(receipt("C9")))
    (inbox / "good.xml").write_bytes(message(receipt("C1")))
    os.symlink(outside / "elsewhere.xml", inbox / "link.xml")
    os.symlink("/etc/passwd", inbox / "passwd.xml")
    os.mkfifo(inbox / "pipe.xml")
    assert [p.name for p in list_files([inbox])] == ["good.xml"]
    assert list_files([inbox / "link.xml"]) == []
    # a file swapped for a link after it was listed is refused, not read
    (inbox / "swapped.xml").write_bytes(message(receipt("C2")))
    listed = list_files([inbox])
    (inbox / "swapped.xml").unlink()
    os.symlink("/etc/passwd", inbox / "swapped.xml")
    report = Ingester("t", lambda hs: "other").run(listed, _NullSink())
    assert report.by_kind["receipt"] == 1 and [Path(q["file"]).name for q in report.quarantined] == ["swapped.xml"]


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "big.xml"
    big.write_bytes(message(receipt("C1")) + b" " * 5000)
    report = Ingester("t", lambda hs: "other", max_bytes=1000).run([big], _NullSink())
    assert report.quarantined[0]["reason"].startswith("too_large")


@pytest.mark.parametrize("field,value", [("returnStatus", "８００"), ("returnTime", "２０１９１１１１０００００１"),
                                         ("returnStatus", "٨٠٠")])  # fmt: skip
def test_only_ascii_digits_make_a_status_or_a_time(field, value):
    kwargs = {"status": value} if field == "returnStatus" else {"time": value}
    parsed = parse_message(message(receipt("C1", **kwargs)), lambda hs: "other")
    assert parsed.count == 0 and parsed.issues[0].field == field


def test_a_file_name_cannot_forge_a_log_line(tmp_path, caplog):
    evil = tmp_path / "a.xml\nWARNING forged: all clear"
    evil.write_bytes(b"not xml at all")
    caplog.set_level(logging.WARNING)
    Ingester("t", lambda hs: "other", quarantine_dir=tmp_path / "q").run([evil], _NullSink())
    assert caplog.records and all("\n" not in r.getMessage() for r in caplog.records)
    out = cbec_ingest(str(tmp_path / "q" / evil.name), "--db", str(tmp_path / "l.duckdb"))
    assert "\nWARNING forged" not in out.stdout and "\\nWARNING forged" in out.stdout


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_a_doctype_is_refused_in_any_encoding(encoding):
    declared = encoding.split("-l")[0].split("-b")[0]
    doctype = '<!DOCTYPE r [<!ENTITY e "x">]>'
    text = f'<?xml version="1.0" encoding="{declared}"?>{doctype}<CEB622Message>&e;</CEB622Message>'
    with pytest.raises(MessageError) as e:
        parse_message(text.encode(encoding), lambda hs: "other")
    assert e.value.code == "unsafe_xml"


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"]
DECLARED = ["", "UTF-8", "GB2312", "GBK", "ISO-8859-1", "UTF-16", "EBCDIC-US", "SHIFT_JIS"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(ENCODINGS),
    st.sampled_from(DECLARED),
    st.sampled_from(["<!DOCTYPE r>", "<!doctype r>", "<! DOCTYPE r>", '<!ENTITY e "x">', "<!--x-->", ""]),
    st.text(alphabet="<>!?&;x买家 \n", max_size=12),
)
def test_the_doctype_check_reads_as_text_every_file_that_may_declare_one(encoding, declared, markup, noise):
    """The check skips reading a file as text only when no DOCTYPE can be in it:
    whatever the encoding and what the file declares, a file with one is refused."""
    head = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    data = f"{head}{noise}{markup}<CEB622Message>{noise}</CEB622Message>".encode(encoding, errors="replace")
    if fields._declares(data, fields._declared(data)[0]):
        assert fields._may_declare(data, fields._declared(data)[0])
    if "DOCTYPE" in markup.upper():
        with pytest.raises(MessageError):
            parse_message(data, lambda hs: "other")


class _NullSink:
    def write(self, batch):
        from collectors.sinks import WriteResult

        return WriteResult(batch.kind, len(batch), len(batch), 0)


def test_everything_cbec_ingest_writes_is_readable_by_its_owner_alone(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, body in (("good.xml", message(receipt("C1"))), ("bad.xml", b"<not-ceb/>")):
        (inbox / name).write_bytes(body)
        (inbox / name).chmod(0o644)  # as a sender's upload may arrive
    db, moved = tmp_path / "out" / "p.duckdb", tmp_path / "out" / "moved"
    out = cbec_ingest(str(inbox), "--db", str(db), "--move", str(moved), "--json")
    assert out.returncode == 0, out.stderr
    written = [p for p in (tmp_path / "out").rglob("*")]
    assert db in written and any(p.suffix == ".xml" for p in written), written
    for p in written:
        assert p.stat().st_mode & 0o077 == 0, f"{p.relative_to(tmp_path)} is {oct(p.stat().st_mode & 0o777)}"


def test_cbec_ingest_move_purges_its_old_folders_and_records_it(tmp_path):
    inbox, moved, db = tmp_path / "inbox", tmp_path / "moved", tmp_path / "p.duckdb"
    inbox.mkdir()
    (inbox / "good.xml").write_bytes(message(receipt("C1")))
    old, recent = moved / "quarantine" / "old.xml", moved / "quarantine" / "recent.xml"
    for path, days in ((old, 40), (recent, 2)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"<x/>")
        t = time.time() - days * 86400
        os.utime(path, (t, t))
    (moved / "processed" / "2000-01-01").mkdir(parents=True)
    (moved / "processed" / "2000-01-01" / "a.xml").write_bytes(b"<x/>")
    out = cbec_ingest(str(inbox), "--db", str(db), "--move", str(moved), "--json")
    assert out.returncode == 0, out.stderr
    assert not old.exists() and recent.exists() and not (moved / "processed" / "2000-01-01").exists()
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT actor, action, target FROM audit_event ORDER BY target").fetchall()
    con.close()
    assert rows == [("cbec-ingest", "inbox.purge", "processed"), ("cbec-ingest", "inbox.purge", "quarantine")]


def hostile_corpus() -> dict[str, bytes]:
    """Files that once let personal data through to a kept copy or the store."""
    utf8 = "<?xml version='1.0' encoding='UTF-8'?>\n"
    dashed, plus86 = f"{PHONE[:3]}-{PHONE[3:7]}-{PHONE[7:]}", f"+86 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}"
    refs = "".join(f"&#{ord(c)};" for c in NAME) + "".join(f"&#x{ord(c):x};" for c in ID_NUMBER)
    bad_records = "".join(receipt(f"C{i}", time=NAME) for i in range(25))  # past the listed problems
    return {
        # a description naming the buyer, a separated phone, a phone where the code goes
        "desc.xml": message(receipt("D1", info=f"[Code:100;Desc:收件人{NAME}电话{dashed}][Code:{PHONE};Desc:x]")),
        # UTF-16 with no BOM, a newline first: libxml2 refuses it, the copy must still be read as UTF-16
        "wide.xml": ("\n" + (HEAD + receipt("W1") + f"<buyerTelephone>{PHONE}</buyerTelephone>")).encode("utf-16-le"),
        "many_bad.xml": message(bad_records),
        "lt_in_attr.xml": f'{utf8}<x><ceb:buyerName a="x<y">{NAME} {dashed}'.encode(),
        "numbers.xml": f"{utf8}<x>\n<tel>{plus86}</tel><tel>{dashed}</tel></x".encode(),
        "latin1.xml": f"<?xml version='1.0' encoding='ISO-8859-1'?>\n<x><gname>{NAME}</gname><y".encode(),
        "refs.xml": f"{utf8}<x>{refs}</x".encode(),
        # a valid message: text after a personal element and before a record's first field, an
        # attribute of its own, a name as a tag
        "planted.xml": message(
            receipt("V1")
            .replace("<guid>R</guid>", f'<guid remark="{NAME}">R</guid><{NAME}/>')
            .replace("</returnInfo>", f"</returnInfo>{NAME}{PHONE}")
            .replace("<InventoryReturn>", f"<InventoryReturn>{NAME} {dashed}")
        ),  # fmt: skip
        f"{NAME}_{PHONE}.xml": message(receipt("N1", status="x")),
    }


def test_planted_personal_data_past_the_first_defences_reaches_no_file_kept(tmp_path):
    inbox, moved, db = tmp_path / "inbox", tmp_path / "moved", tmp_path / "p.duckdb"
    inbox.mkdir()
    for name, data in hostile_corpus().items():
        (inbox / name).write_bytes(data)
    out = cbec_ingest(str(inbox), "--db", str(db), "--move", str(moved), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["records"]["receipt"] == 2 and len(report["quarantined"]) == 7  # desc.xml and planted.xml are valid
    kept = [p for p in moved.rglob("*") if p.is_file()]
    blobs = {str(p.relative_to(moved)): p.read_bytes() for p in kept}
    blobs |= {"db": db.read_bytes(), "stdout": out.stdout.encode(), "stderr": out.stderr.encode()}
    dashed = f"{PHONE[:3]}-{PHONE[3:7]}-{PHONE[7:]}"
    for where, blob in blobs.items():
        for planted in (NAME, ID_NUMBER, PHONE, dashed, f"{PHONE[:3]} {PHONE[3:7]}"):
            for encoding in ("utf-8", "utf-16-le", "gb18030"):
                assert planted.encode(encoding) not in blob, (where, planted, encoding)
        assert NAME.encode("utf-8").decode("latin-1").encode("utf-8") not in blob, where  # mojibake
