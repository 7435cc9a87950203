"""What the inbox keeps of a message, and for how long: processed/ holds copies
with personal data redacted, quarantine/ holds copies redacted and scrubbed of
the values at fault for a set number of days; both are purged, and each purge
is logged and recorded in the audit trail."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from base.clock import to_epoch_seconds
from base.config import CollectorConfig, ConfigError, options
from base.renames import rename_new
from collectors import registry
from collectors.ceb import redact as redact_module
from collectors.ceb.inbox import FIGURES_SECONDS, InboxSource
from collectors.ceb.options import InboxOptions
from collectors.ceb.parse import PERSONAL_FIELDS, parse_message, read_xml
from collectors.ceb.redact import redact
from collectors.ceb.retention import Purge, Retention
from collectors.runner import Runner, Schedule
from core.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
BASIC = ROOT / "tests" / "golden" / "ceb" / "basic" / "a_CEB621.xml"
NOW = datetime(2019, 11, 11, 9, 30)
NAME, ID_NUMBER, PHONE, ADDRESS = "王晓红", "330102199203041234", "13912345678", "宁波市北仑区某路8号"
CONSIGNEE, PAYER, PAYER_ID = "赵大勇", "钱小芳", "330203198805061111"
PLANTED = (NAME, ID_NUMBER, PHONE, ADDRESS, CONSIGNEE, PAYER, PAYER_ID, "PII-")


def ceb621() -> bytes:
    """A CEB621 in the default namespace with every personal field filled."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CEB621Message guid="G621" version="1.0" xmlns="http://www.chinaport.gov.cn/ceb">
  <Inventory>
    <InventoryHead>
      <appType>1</appType><appTime>20191111000010</appTime><ebpCode>SIMEBP0001</ebpCode>
      <ebcCode>3105960001</ebcCode><copNo>COPR1</copNo><customsCode>3105</customsCode>
      <buyerIdType>1</buyerIdType><buyerIdNumber>{ID_NUMBER}</buyerIdNumber><buyerName>{NAME}</buyerName>
      <buyerTelephone>{PHONE}</buyerTelephone><consigneeAddress>{ADDRESS}</consigneeAddress>
      <consignee>{CONSIGNEE}</consignee><consigneeTelephone>{PHONE}</consigneeTelephone>
      <payerName>{PAYER}</payerName><payerIdNumber>{PAYER_ID}</payerIdNumber><payerTelephone>{PHONE}</payerTelephone>
      <tradeMode>1210</tradeMode><currency>142</currency>
    </InventoryHead>
    <InventoryList><gnum>1</gnum><itemRecordNo>R1</itemRecordNo><gcode>3304990099</gcode><gname>面霜</gname>
      <qty>1</qty><price>150.00</price><totalPrice>150.00</totalPrice></InventoryList>
  </Inventory>
</CEB621Message>
""".encode()


def ceb622(encoding: str = "UTF-8") -> bytes:
    info = f"[Code:2600;Desc:放行]买家{NAME}，电话{PHONE}，身份证{ID_NUMBER}"
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<CEB622Message guid="G622" version="1.0" xmlns="http://www.chinaport.gov.cn/ceb">
  <InventoryReturn><guid>R1</guid><customsCode>3105</customsCode><ebpCode>SIMEBP0001</ebpCode>
  <ebcCode>3105960001</ebcCode><copNo>COPR1</copNo><returnStatus>800</returnStatus>
  <returnTime>20191111000011900</returnTime><returnInfo>{info}</returnInfo></InventoryReturn>
</CEB622Message>
""".encode(encoding)


def ceb900(prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns:{prefix}" if prefix else "xmlns"
    original = f"&lt;buyerName&gt;{NAME}&lt;/buyerName&gt;&lt;buyerTelephone&gt;{PHONE}&lt;/buyerTelephone&gt;"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{p}CEB900Message guid="G900" version="1.0" {ns}="http://www.chinaport.gov.cn/ceb">
  <{p}MessageReturn><{p}guid>M1</{p}guid><{p}returnStatus>-301010</{p}returnStatus>
  <{p}returnInfo>[Code:301010;Desc:报文格式错误]收件人{NAME}</{p}returnInfo><{p}returnTime>20191111000011900</{p}returnTime>
  <{p}oriCopMsgId>X1</{p}oriCopMsgId><{p}oriMessageType>CEB621Message</{p}oriMessageType>
  <{p}oriBizMessage>{original}<{p}buyerIdNumber>{ID_NUMBER}</{p}buyerIdNumber></{p}oriBizMessage>
  </{p}MessageReturn>
</{p}CEB900Message>
""".encode()


def elements(data: bytes, name: str) -> list:
    return [e for e in read_xml(data).iter() if isinstance(e.tag, str) and etree.QName(e).localname == name]


def assert_nothing_planted(data: bytes, *encodings: str) -> None:
    for planted in PLANTED:
        for enc in ("utf-8", *encodings):
            assert planted.encode(enc) not in data, planted


class CountingSink:
    """Takes every batch (what the store makes of them is tested elsewhere)."""

    def __init__(self):
        self.rows: dict[str, int] = {}

    def write(self, batch):
        self.rows[batch.kind] = self.rows.get(batch.kind, 0) + len(batch)
        return SimpleNamespace(duplicates=0)


@pytest.fixture
def sink():
    return CountingSink()


def inbox_source(tmp_path: Path, config, **kw) -> InboxSource:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    return InboxSource("ceb_inbox", inbox, config.category_for_hs, clock=lambda: NOW, **kw)


# -- processed/: redacted copies ------------------------------------------------------


def test_an_archived_copy_keeps_no_personal_data_and_still_parses(tmp_path, config, sink):
    src = inbox_source(tmp_path, config)
    originals = {"list_CEB621.xml": ceb621(), "golden_CEB621.xml": BASIC.read_bytes(), "receipt_CEB622.xml": ceb622()}
    for name, data in originals.items():
        (src.inbox / name).write_bytes(data)
        (src.inbox / name).chmod(0o644)
    got = src.collect(sink)
    assert got.records == 4 and "quarantined" not in got.note
    assert [p for p in src.inbox.iterdir() if p.is_file()] == []  # no original left behind
    day = src.inbox / "processed" / "2019-11-11"
    assert sorted(p.name for p in day.iterdir()) == sorted(originals)
    for name, original in originals.items():
        copy = (day / name).read_bytes()
        assert stat.S_IMODE((day / name).stat().st_mode) == 0o600
        assert_nothing_planted(copy)
        assert copy.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
        # the same records come out of the copy as out of the original
        assert (
            parse_message(copy, config.category_for_hs).records
            == parse_message(original, config.category_for_hs).records
        )
        # personal elements keep their place, empty
        for field in PERSONAL_FIELDS:
            assert all(not (e.text or "") and len(e) == 0 for e in elements(copy, field))
    redacted = (day / "list_CEB621.xml").read_bytes()
    assert {f for f in PERSONAL_FIELDS if elements(redacted, f)} == PERSONAL_FIELDS
    assert [e.text for e in elements((day / "receipt_CEB622.xml").read_bytes(), "returnInfo")] == ["[Code:2600]"]
    assert [e.text for e in elements(redacted, "gname")] == ["面霜"]  # what is not personal stays


def test_the_copy_is_written_over_the_original_so_no_personal_data_stays_in_freed_blocks(tmp_path, config, sink):
    src = inbox_source(tmp_path, config)
    original = src.inbox / "list_CEB621.xml"
    original.write_bytes(ceb621())
    inode, size = original.stat().st_ino, original.stat().st_size
    assert src.collect(sink).records == 1
    kept = src.inbox / "processed" / "2019-11-11" / "list_CEB621.xml"
    # the same file, renamed: its bytes were overwritten where they lay, and nothing was deleted
    assert (kept.stat().st_ino, kept.stat().st_size) == (inode, size)
    assert_nothing_planted(kept.read_bytes())
    assert read_xml(kept.read_bytes()) is not None  # the padding after the root is still XML


def test_a_name_seen_before_the_same_day_is_kept_beside_the_first_even_after_its_folder_went(tmp_path, config, sink):
    src = inbox_source(tmp_path, config)
    day = src.inbox / "processed" / "2019-11-11"
    copies = []
    for data in (ceb621(), ceb622(), ceb621()):
        (src.inbox / "again_CEB621.xml").write_bytes(data)
        assert src.collect(sink).records
        copies.append(sorted(p.name for p in day.iterdir()))
        if len(copies) == 2:
            shutil.rmtree(day)  # a day folder removed by hand while the app runs
    assert copies == [["again_CEB621.xml"], ["again_CEB621.1.xml", "again_CEB621.xml"], ["again_CEB621.xml"]]
    assert [p for p in src.inbox.iterdir() if p.is_file()] == []


def test_a_rename_that_must_not_replace_leaves_what_is_there(tmp_path):
    first, second, target = tmp_path / "a", tmp_path / "b", tmp_path / "t"
    first.write_text("first")
    second.write_text("second")
    assert rename_new(first, target) and not first.exists()
    assert not rename_new(second, target) and second.read_text() == "second"
    assert target.read_text() == "first"


def _replaced_once_read(src: InboxSource, monkeypatch, content: bytes) -> None:
    """The next files read are replaced with `content` by their sender before they move."""
    read = src.ingester.reader.outcomes

    def read_then_replace(paths):
        monkeypatch.setattr(src.ingester.reader, "outcomes", read)
        for outcome in read(paths):
            replacement = outcome.path.with_name(".sending")
            replacement.write_bytes(content)
            replacement.rename(outcome.path)
            yield outcome

    monkeypatch.setattr(src.ingester.reader, "outcomes", read_then_replace)


def test_a_file_replaced_after_it_was_read_is_read_again_and_kept_as_it_is_then(tmp_path, config, sink, monkeypatch):
    src = inbox_source(tmp_path, config)
    path = src.inbox / "list_CEB621.xml"
    path.write_bytes(ceb621())
    other = ceb621().replace(b"COPR1", b"COPR2").replace("面霜".encode(), "口红".encode())
    _replaced_once_read(src, monkeypatch, other)
    assert src.collect(sink).records == 1  # the list as it was read
    assert path.read_bytes() == other and list((src.inbox / "processed").rglob("*.xml")) == []
    assert src.collect(sink).records == 1  # the list it holds now: not lost
    kept = (src.inbox / "processed" / "2019-11-11" / "list_CEB621.xml").read_bytes()
    assert_nothing_planted(kept)
    assert [e.text for e in elements(kept, "gname")] == ["口红"]  # never the copy of what was read before
    assert [e.text for e in elements(kept, "copNo")] == ["COPR2"]
    assert not path.exists() and sink.rows["declaration"] == 2


def test_a_file_its_sender_takes_back_after_the_listing_is_passed_over_not_set_aside(tmp_path, config, sink, caplog):
    src = inbox_source(tmp_path, config, max_files_per_run=1)
    for name in ("a_CEB621.xml", "b_CEB621.xml"):
        (src.inbox / name).write_bytes(ceb621().replace(b"COPR1", name[:1].encode()))
    assert src.collect(sink).records == 1  # a; b waits in the listing
    (src.inbox / "b_CEB621.xml").unlink()
    with caplog.at_level(logging.INFO, logger="cbec.ceb"):
        assert src.collect(sink).records == 0
    assert "'b_CEB621.xml' was removed before it was read" in caplog.text
    assert not (src.inbox / "quarantine").exists() and sink.rows["declaration"] == 1


def test_a_file_completed_after_it_was_read_half_written_is_read_again(tmp_path, config, sink, monkeypatch):
    src = inbox_source(tmp_path, config)
    path = src.inbox / "list_CEB621.xml"
    path.write_bytes(ceb621()[:200])  # a sender writing in place, not through a temporary name
    _replaced_once_read(src, monkeypatch, ceb621())
    assert src.collect(sink).records == 0
    assert path.exists() and not (src.inbox / "quarantine").exists()
    assert src.collect(sink).records == 1
    assert not path.exists() and not (src.inbox / "quarantine").exists()


@pytest.mark.parametrize("prefix", ["", "ceb"])
def test_a_format_reject_loses_its_original_message_and_keeps_its_codes(prefix):
    copy = redact(ceb900(prefix))
    assert_nothing_planted(copy)
    (message,) = elements(copy, "oriBizMessage")
    assert not message.text and len(message) == 0
    assert [e.text for e in elements(copy, "returnInfo")] == ["[Code:301010]"]
    assert [e.text for e in elements(copy, "oriMessageType")] == ["CEB621Message"]
    assert read_xml(copy).nsmap == read_xml(ceb900(prefix)).nsmap


@pytest.mark.parametrize("encoding", ["GB18030", "GBK"])
def test_a_gb_encoded_file_is_archived_redacted_as_utf8(tmp_path, config, sink, encoding):
    src = inbox_source(tmp_path, config)
    original = ceb622(encoding)
    assert NAME.encode(encoding) in original
    (src.inbox / "gb_CEB622.xml").write_bytes(original)
    assert src.collect(sink).records == 1
    copy = (src.inbox / "processed" / "2019-11-11" / "gb_CEB622.xml").read_bytes()
    assert_nothing_planted(copy, "gb18030")
    assert copy.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "[Code:2600]" in copy.decode("utf-8")
    parsed = parse_message(copy, config.category_for_hs)
    assert parsed.records == parse_message(original, config.category_for_hs).records


def test_a_file_that_cannot_be_redacted_is_not_archived(tmp_path, config, sink, monkeypatch, caplog):
    def refuse(root):
        raise MemoryError

    monkeypatch.setattr(redact_module, "_redact_tree", refuse)  # ahead of the batch and when archived alike
    src = inbox_source(tmp_path, config)
    (src.inbox / "list_CEB621.xml").write_bytes(ceb621())
    caplog.set_level(logging.INFO)
    assert src.collect(sink).records == 1  # the ingest goes on
    day = src.inbox / "processed" / "2019-11-11"
    assert [p.name for p in day.iterdir()] == ["list_CEB621.xml.not-archived.json"]
    assert "cannot be redacted (MemoryError)" in (day / "list_CEB621.xml.not-archived.json").read_text()
    assert not (src.inbox / "list_CEB621.xml").exists()
    assert "not archived 'list_CEB621.xml'" in caplog.text


def quarantined(src: InboxSource, name: str) -> tuple[bytes, dict]:
    kept = src.inbox / "quarantine" / name
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    sidecar = json.loads(kept.with_name(name + ".reason.json").read_text(encoding="utf-8"))
    return kept.read_bytes(), sidecar


def test_a_message_with_invalid_records_is_quarantined_redacted_with_the_faulty_value_gone(tmp_path, config, sink):
    src = inbox_source(tmp_path, config)
    # a phone typed into the time field: the record is refused, the phone must not be kept
    bad = ceb621().replace(b"<appTime>20191111000010</appTime>", f"<appTime>tel {PHONE}x</appTime>".encode())
    (src.inbox / "bad_CEB621.xml").write_bytes(bad)
    (src.inbox / "bad_CEB621.xml").chmod(0o644)
    src.collect(sink)
    assert not (src.inbox / "bad_CEB621.xml").exists()
    copy, sidecar = quarantined(src, "bad_CEB621.xml")
    assert_nothing_planted(copy)
    assert sidecar["code"] == "invalid_records" and sidecar["issues"][0]["field"] == "appTime"
    # the sidecar's line still points at the faulty element, now empty, in a copy that parses
    (at,) = elements(copy, "appTime")
    assert at.sourceline == sidecar["line"] and not at.text
    assert [e.text for e in elements(copy, "copNo")] == ["COPR1"]  # what an operator needs stays
    for field in PERSONAL_FIELDS:
        assert all(not (e.text or "") for e in elements(copy, field))


@pytest.mark.parametrize(
    "name, data",
    [
        # not well-formed: the last element is never closed
        ("truncated.xml", ceb621()[:-40]),
        # a DTD hidden in UTF-16, names in a comment, a tag and an attribute
        (
            "wide.xml",
            (
                '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x>\n<!-- 买家 王晓红 -->\n'
                f"<CEB621Message><{NAME}/>\n<buyerName a='1'>{NAME}\n</buyerName>"
                f'<x payerName="{PAYER}" n="{PAYER_ID}"/></CEB621Message>'
            ).encode("utf-16"),
        ),  # fmt: skip
        # a root of no known family, the ID and phone in full-width digits
        (
            "other.xml",
            f"<Order>\n<id>{ID_NUMBER.translate(str.maketrans('0123456789', '０１２３４５６７８９'))}</id>"
            f"\n<who>{CONSIGNEE}{PHONE}</who></Order>".encode(),
        ),  # fmt: skip
    ],
)
def test_a_file_that_is_not_a_message_is_quarantined_scrubbed_with_its_lines(tmp_path, config, sink, name, data):
    src = inbox_source(tmp_path, config)
    (src.inbox / name).write_bytes(data)
    src.collect(sink)
    copy, sidecar = quarantined(src, name)
    assert_nothing_planted(copy)
    text = copy.decode("utf-8")
    assert ID_NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９")) not in text
    assert text.count("\n") == data.decode("utf-16" if name == "wide.xml" else "utf-8").count("\n")
    if sidecar["line"]:  # the line it names is still there to read
        assert len(text.split("\n")) >= sidecar["line"]
    assert "<CEB621Message" in text or "<Order>" in text  # the structure an operator looks at stays


def test_an_oversized_file_is_set_aside_and_not_kept(tmp_path, config, sink):
    src = inbox_source(tmp_path, config, max_bytes=10_000)
    (src.inbox / "big.xml").write_bytes(f"<x><buyerName>{NAME}</buyerName>".encode() + b" " * 20_000 + b"</x>")
    src.collect(sink)
    assert not (src.inbox / "big.xml").exists() and not (src.inbox / "quarantine" / "big.xml").exists()
    sidecar = json.loads((src.inbox / "quarantine" / "big.xml.reason.json").read_text(encoding="utf-8"))
    assert sidecar["code"] == "too_large" and sidecar["copy"] == "not kept (too_large)"


# -- purges ---------------------------------------------------------------------------


def aged(path: Path, days: float, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    t = to_epoch_seconds(NOW) - days * 86400
    os.utime(path, (t, t))
    return path


def test_quarantined_files_older_than_their_days_are_purged_with_their_sidecars(tmp_path, caplog):
    q = tmp_path / "quarantine"
    aged(q / "old.xml", 31)
    aged(q / "old.xml.reason.json", 31)
    aged(q / "old.1.xml", 45)
    aged(q / "new.xml", 400)  # the sender's old time travels with the file ...
    aged(q / "new.xml.reason.json", 29)  # ... the sidecar says when it was set aside
    aged(q / "edge.xml", 29.9)
    purges: list[Purge] = []
    caplog.set_level(logging.INFO)
    done = Retention(q, None, quarantine_keep_days=30, clock=lambda: NOW, on_purge=purges.append).run()
    assert sorted(p.name for p in q.iterdir()) == ["edge.xml", "new.xml", "new.xml.reason.json"]
    assert done == purges and len(purges) == 1
    (p,) = purges
    assert (p.folder, p.files, p.keep_days, p.at) == ("quarantine", 3, 30, NOW)
    assert p.names == ("old.1.xml", "old.xml", "old.xml.reason.json")
    assert "'old.xml'" in caplog.text and "older than 30 days" in caplog.text


def test_processed_day_folders_older_than_their_days_are_purged_whole(tmp_path):
    processed = tmp_path / "processed"
    for day, n in (("2019-08-01", 2), ("2019-08-12", 1), ("2019-08-13", 1), ("2019-11-11", 1)):
        for i in range(n):
            aged(processed / day / f"f{i}.xml", 0)
    aged(processed / "2019-08-01" / "f0.xml.not-archived.json", 0)
    aged(processed / "readme.txt", 500)
    (processed / "elsewhere").mkdir()
    purges: list[Purge] = []
    Retention(None, processed, archive_keep_days=90, clock=lambda: NOW, on_purge=purges.append).run()
    assert sorted(p.name for p in processed.iterdir()) == ["2019-08-13", "2019-11-11", "elsewhere", "readme.txt"]
    (p,) = purges
    assert (p.folder, p.names, p.files, p.keep_days) == ("processed", ("2019-08-01", "2019-08-12"), 4, 90)
    assert p.detail().startswith("2 day folder(s), 4 file(s) in all, older than 90 days: '2019-08-01', '2019-08-12'")


def test_a_purge_follows_no_link_out_of_its_folder(tmp_path):
    outside = aged(tmp_path / "outside" / "keep.xml", 500)
    processed, q = tmp_path / "processed", tmp_path / "quarantine"
    processed.mkdir()
    q.mkdir()
    (processed / "2019-01-01").symlink_to(outside.parent)
    (q / "link.xml").symlink_to(outside)
    aged(processed / "2019-01-02" / "a.xml", 0)
    (processed / "2019-01-02" / "out").symlink_to(outside.parent)
    Retention(q, processed, clock=lambda: NOW).run()
    assert outside.exists()
    assert (q / "link.xml").is_symlink() and (processed / "2019-01-01").is_symlink()
    assert not (processed / "2019-01-02").exists()


def test_nothing_to_purge_records_nothing(tmp_path):
    purges: list[Purge] = []
    aged(tmp_path / "quarantine" / "new.xml", 1)
    assert (
        Retention(tmp_path / "quarantine", tmp_path / "processed", clock=lambda: NOW, on_purge=purges.append).run()
        == []
    )
    assert purges == []


def test_the_inbox_purges_at_most_once_an_hour_and_the_runtime_records_each_purge(tmp_path, config):
    inbox = tmp_path / "inbox"
    collector = CollectorConfig(
        "ceb_inbox", "ceb_inbox", 1, 30, 30, options={"inbox": str(inbox), "quarantine_keep_days": 7}
    )
    rt = Runtime(dataclasses.replace(config, collectors=(collector,)), db_path=tmp_path / "r.duckdb")
    try:
        src = rt.runner.sources()["ceb_inbox"]
        assert (src.quarantine_keep_days, src.archive_keep_days) == (7, 90)
        now = [NOW]
        src.clock = lambda: now[0]
        q = inbox / "quarantine"
        aged(q / "first.xml", 8, data=f"<buyerName>{NAME}</buyerName>".encode())
        aged(q / "first.xml.reason.json", 8)
        assert src.collect(rt.sink).note == "nothing new"
        assert not q.joinpath("first.xml").exists()
        aged(q / "second.xml", 8)
        now[0] = NOW + timedelta(minutes=59)
        src.collect(rt.sink)
        assert q.joinpath("second.xml").exists()  # not yet an hour since the last purge
        now[0] = NOW + timedelta(minutes=61)
        src.collect(rt.sink)
        assert not q.joinpath("second.xml").exists()
        rows = (
            rt.store.cursor()
            .execute(
                "SELECT happened_at, actor, role, action, target, detail, source, outcome FROM audit_event "
                "WHERE action = 'inbox.purge' ORDER BY happened_at"
            )
            .fetchall()
        )
    finally:
        rt.stop()
    assert [r[:5] for r in rows] == [
        (NOW, "ceb_inbox", "collector", "inbox.purge", "quarantine"),
        (NOW + timedelta(minutes=61), "ceb_inbox", "collector", "inbox.purge", "quarantine"),
    ]
    assert rows[0][5] == "2 file(s) older than 7 days: 'first.xml', 'first.xml.reason.json'"
    assert rows[0][6:] == ("collector", "ok")
    assert all(NAME not in str(r) for r in rows)


def test_keep_days_are_inbox_options_of_at_least_one_day(tmp_path, config):
    assert (InboxOptions().quarantine_keep_days, InboxOptions().archive_keep_days) == (30, 90)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ConfigError, match="archive_keep_days"):
            options(InboxOptions, {"archive_keep_days": bad}, "cbec.toml [[collector]] ceb_inbox")
    c = CollectorConfig("in", "ceb_inbox", 1, 30, 30, options={"inbox": str(tmp_path), "archive_keep_days": 14})
    src = registry.build(config, c)
    assert (src.retention.quarantine_keep_days, src.retention.archive_keep_days) == (30, 14)


@pytest.mark.parametrize(
    "case", ["cancel_after_release", "partial_return", "tax_voided_after_cancellation", "format_rejects"]
)
def test_every_family_is_archived_without_the_buyer_or_a_sender_s_own_words(tmp_path, config, sink, case):
    # CEB623/625 carry the buyer and a free-text reason, receipts a returnInfo, CEB900 the whole original
    src = inbox_source(tmp_path, config, figures_seconds=None)
    folder = BASIC.parent.parent / case
    originals = {f.name: f.read_bytes() for f in folder.glob("*.xml")}
    for name, data in originals.items():
        (src.inbox / name).write_bytes(data)
    got = src.collect(sink)
    assert "quarantined" not in got.note
    day = src.inbox / "processed" / "2019-11-11"
    for name, original in originals.items():
        copy = (day / name).read_bytes()
        assert_nothing_planted(copy)
        assert (
            parse_message(copy, config.category_for_hs).records
            == parse_message(original, config.category_for_hs).records
        )


# -- pickup on arrival ------------------------------------------------------------------


@contextmanager
def watched_inbox(tmp_path: Path, config, sink) -> Iterator[tuple[InboxSource, Runner]]:
    """An inbox source under a runner whose interval (30 s) is far off, after its first run."""
    src = InboxSource("ceb_inbox", tmp_path / "inbox", config.category_for_hs)
    runner = Runner(sink)
    runner.add(src, Schedule(interval_s=30, timeout_s=10, stale_after_s=60))
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while runner.health["ceb_inbox"].runs_total < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        yield src, runner
    finally:
        runner.stop()


def test_a_file_landing_in_the_inbox_is_ingested_at_once_not_on_the_next_interval(tmp_path, config, sink):
    with watched_inbox(tmp_path, config, sink) as (src, runner):
        assert runner.health["ceb_inbox"].note == "nothing new"  # the first run found nothing: 30 s to the next
        for n in range(3):  # as a sender writes: a temporary name, then renamed into place
            landed = time.monotonic()
            (tmp_path / f"list{n}.part").write_bytes(ceb621().replace(b"COPR1", f"COPR{n + 10}".encode()))
            os.rename(tmp_path / f"list{n}.part", src.inbox / f"list{n}_CEB621.xml")
            while sink.rows.get("declaration", 0) < n + 1 and time.monotonic() - landed < 5:
                time.sleep(0.005)
            assert sink.rows.get("declaration", 0) == n + 1
            assert time.monotonic() - landed < 1.0


def test_tax_files_wait_a_few_seconds_to_be_written_together_and_lists_do_not_wait(tmp_path, config, sink):
    # a tax batch costs a snapshot of its lists' figures: paid every few seconds, not with every batch
    with watched_inbox(tmp_path, config, sink) as (src, _):
        tax = (BASIC.parent.parent / "tax" / "CEB816.xml").read_bytes()
        landed = time.monotonic()
        (src.inbox / "t1_CEB816.xml").write_bytes(tax)
        (src.inbox / "l1_CEB621.xml").write_bytes(ceb621())
        while sink.rows.get("declaration", 0) < 1 and time.monotonic() - landed < 5:
            time.sleep(0.005)
        assert time.monotonic() - landed < 0.8 and sink.rows.get("tax", 0) == 0  # the list at once, the tax held
        while sink.rows.get("tax", 0) < 1 and time.monotonic() - landed < FIGURES_SECONDS + 5:
            time.sleep(0.005)
        # written on its own, with no file landing after it
        assert FIGURES_SECONDS - 0.1 < time.monotonic() - landed < FIGURES_SECONDS + 1.5
        time.sleep(1.5)
        assert sink.rows.get("tax", 0) == 1 and not list(src.inbox.glob("*.xml"))  # once, and archived
