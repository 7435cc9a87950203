"""Every page runs without an exception, in Chinese and in English, and shows
the figures the store holds."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.numbers import count_en, count_zh, fen, yuan_en, yuan_zh
from queries import read

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "video", "warehouses", "system_health", "collectors", "alerts", "users", "audit"]


def frame(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
    if lang == "en":
        at.query_params["lang"] = "en"
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(promo_runtime, page, lang):
    at = frame(lang)
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception


def test_overview_shows_the_stored_release_count(promo_runtime):
    at = frame().run()
    assert not at.exception
    con = promo_runtime.store.cursor()
    day0 = promo_runtime.clock().replace(hour=0, minute=0)
    totals = read.release_totals(con, day0, promo_runtime.clock())
    html = " ".join(h.proto.body for h in at.get("html"))
    assert f"{totals.released_lists:,}" in html
    assert count_zh(totals.released_lists) in html


def visible(html: str) -> str:
    """The text of some HTML as read: no styles, no tags and their attributes."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", html, flags=re.S))


def test_warehouses_page_lists_every_warehouse_by_name(promo_runtime):
    at = frame().run()
    at.switch_page("app_pages/warehouses.py").run()
    assert not at.exception
    shown = visible(" ".join(h.proto.body for h in at.get("html")))
    for w in promo_runtime.config.warehouses:
        assert w.name_zh in shown, w.name_zh
        assert w.code not in shown


def test_system_health_names_components_not_codes(promo_runtime):
    at = frame().run()
    at.switch_page("app_pages/system_health.py").run()
    assert not at.exception
    shown = visible(" ".join(h.proto.body for h in at.get("html")))
    assert "电子口岸链路" in shown and "eport_link" not in shown
    # which instance this is and whether it sends: alone, the primary sends
    assert "本机：主用机" in shown and "值守中：发送告警通知与日报" in shown and "未配置备用机" in shown


def test_system_health_says_a_standby_is_standing_by_and_whether_the_primary_answers(promo_runtime, monkeypatch):
    from core.duty import Duty

    cfg = dataclasses.replace(promo_runtime.config.instance, role="standby", peer_url="http://127.0.0.1:9", name="B")
    monkeypatch.setattr(promo_runtime, "duty", Duty(cfg))
    promo_runtime.duty.check()  # nothing listens on port 9
    at = frame().run()
    at.switch_page("app_pages/system_health.py").run()
    shown = visible(" ".join(h.proto.body for h in at.get("html")))
    assert "本机：备用机 B · 待命：告警通知与日报由主用机发送" in shown
    assert "对端：主用机 http://127.0.0.1:9 无应答" in shown


def test_pages_say_clearly_when_the_runtime_is_not_running():
    at = frame().run()
    assert not at.exception
    assert any("运行时未启动" in e.value for e in at.error)


def test_ops_page_lists_quarantined_files_with_reasons_and_no_personal_data(promo_runtime, tmp_path):
    import shutil

    from collectors.ceb.inbox import InboxSource

    golden = ROOT / "tests" / "golden" / "ceb"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for case in ("partly_bad", "hostile", "basic"):
        for f in (golden / case).glob("*.xml"):
            shutil.copy(f, inbox / f"{case}-{f.name}")
    InboxSource("ceb_inbox", inbox, promo_runtime.config.category_for_hs).collect(promo_runtime.sink)
    at = frame().run()
    at.switch_page("app_pages/collectors.py").run()
    assert not at.exception
    text = " ".join(h.proto.body for h in at.get("html"))
    # reasons by their names, the file by its own
    assert "不安全的 XML" in text and "记录校验不通过" in text and "partly_bad-CEB622_mixed.xml" in text
    assert "unsafe_xml" not in text
    assert "PII-" not in text
    overview = frame().run()
    assert "PII-" not in " ".join(h.proto.body for h in overview.get("html"))


def test_overview_shows_net_and_tax_beside_gross(promo_runtime):
    from adjusted import seed

    from core import live

    now = promo_runtime.clock()
    seeded = seed(promo_runtime, now)
    with promo_runtime.store.reading() as con:
        net = read.net(con, now.replace(hour=0, minute=0), now)
    a = net.adjustments
    assert a.cancelled_lists >= 1 and a.returned_value >= seeded.returned_value > 0
    assert a.tax_assessed >= seeded.tax_assessed and a.tax_voided >= seeded.tax_voided
    line = (
        f"净放行 {count_zh(net.net_released_lists)}单 · 净货值 {yuan_zh(fen(net.net_goods_value))}"
        f" · 应征税款 {yuan_zh(fen(a.tax_assessed))}"
    )
    live._HEADLINES._key = live._OVERVIEW._key = None  # the seeded records, not the last second's figures
    html = " ".join(h.proto.body for h in frame().run().get("html"))
    assert line in html
    assert f"{net.released_lists:,}" in html  # the gross headline stays as it was
    en = " ".join(h.proto.body for h in frame("en").run().get("html"))
    assert f"Net {count_en(net.net_released_lists)} lists · net {yuan_en(fen(net.net_goods_value))}" in en
