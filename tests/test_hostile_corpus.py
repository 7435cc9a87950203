"""Fifty-odd hostile files beside a night's good ones in a running runtime's
inbox: each is set aside with its reason, the runtime keeps going, and every
good record (also those beside bad ones in the same file) is counted once."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import duckdb

from base.config import load_config
from collectors.simulator.source import simulate_batch
from collectors.simulator.xml_out import XmlFileSink
from core.runtime import Runtime
from reliability.hostile_corpus import MAX_BYTES, build


def released(db: Path) -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT count(*), count(*) FILTER (WHERE cop_no LIKE 'PB%') FROM inventory_list"
            " WHERE released_at IS NOT NULL"
        ).fetchone()
    finally:
        con.close()


def test_a_hostile_corpus_is_set_aside_with_reasons_and_nothing_good_is_lost(tmp_path):
    config = (Path(__file__).resolve().parent.parent / "assets" / "config" / "cbec.toml").read_text(encoding="utf-8")
    inbox = tmp_path / "inbox"
    config = config.replace('inbox = "var/inbox"', f'inbox = "{inbox}"')
    config = config.replace("max_file_bytes = 52428800", f"max_file_bytes = {MAX_BYTES}")
    config = config.replace('[[collector]]\nname = "simulator"\nkind = "simulator"\n',
                            '[[collector]]\nname = "simulator"\nkind = "simulator"\nenabled = false\n')  # fmt: skip
    config = config.replace(
        'name = "ceb_inbox"\nkind = "ceb_inbox"\nenabled = false',
        'name = "ceb_inbox"\nkind = "ceb_inbox"\nenabled = true',
    )
    (tmp_path / "cbec.toml").write_text(config, encoding="utf-8")
    cfg = load_config(tmp_path / "cbec.toml")
    assert [c.name for c in cfg.collectors if c.enabled] == ["ceb_inbox"]

    # a good night beside the corpus: the reference counts it alone
    good = tmp_path / "good"
    until = datetime(2019, 11, 12, 1, 0)
    simulate_batch(cfg, XmlFileSink(good, records_per_file=100), until.date(), until)
    reference = Runtime(cfg, db_path=tmp_path / "reference.duckdb", with_collectors=False)
    simulate_batch(cfg, reference.sink, until.date(), until)
    reference.stop()
    want, _ = released(tmp_path / "reference.duckdb")

    expected, kept = build(inbox)
    assert len(expected) >= 50
    for f in good.iterdir():
        f.rename(inbox / f.name)

    rt = Runtime(cfg, db_path=tmp_path / "night.duckdb").start()
    try:
        deadline = time.monotonic() + 120
        while any(p.is_file() and p.suffix == ".xml" for p in inbox.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.5)
        health = rt.health()["collectors"]["ceb_inbox"]
        assert health["state"] in ("ok", "quiet"), health  # alive, not in error
    finally:
        rt.stop()

    quarantined = {
        json.loads(p.read_text(encoding="utf-8"))["file"]: json.loads(p.read_text(encoding="utf-8"))["code"]
        for p in (inbox / "quarantine").glob("*.reason.json")
    }
    hostile = {name: code for name, code in expected.items() if code != "processed"}
    assert {n: quarantined.get(n) for n in hostile} == hostile
    assert not set(quarantined) - set(hostile), "a good file was set aside"
    got, beside_bad = released(tmp_path / "night.duckdb")
    assert beside_bad == kept, "valid records in partly bad files were lost"
    assert got - beside_bad - 2 == want  # the XInclude file's two releases, taken as plain text
    db_bytes = (tmp_path / "night.duckdb").read_bytes()
    assert b"root:x:0:0" not in db_bytes, "a file was included"
