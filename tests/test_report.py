"""The leaders' daily report: figures equal to `cbec summary` and to an
independent count, the sentence's rounding, files that open cleanly and keep
hostile text inert, and the digest that fires on time and posts."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import time as time_module
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from adjusted import seed
from openpyxl import load_workbook
from receiver import Receiver
from streamlit.testing.v1 import AppTest
from test_duty import Peer, duty

from cbec.cli import main as cli
from collectors.simulator.source import SimulatorSource, simulate_batch
from core import netline
from core.duty import Spell
from core.numbers import cny, count_zh, fen, yuan_zh
from core.report import export, sentence
from core.report.digest import Digest
from core.report.figures import Compared, build
from core.runtime import Runtime
from core.text import text
from queries import read
from queries.store import Store

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2019, 11, 11)
CUTOFF = time(0, 5)
HOSTILE = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(scope="module")
def report_db(promo_db, tmp_path_factory, config) -> Path:
    """2019-11-11 00:00-00:05 with a cancellation, a return, tax and format rejects,
    and the same five minutes of 2018 for comparison."""
    path = tmp_path_factory.mktemp("report") / "report.duckdb"
    shutil.copy(promo_db, path)
    rt = Runtime(config, db_path=path, with_collectors=False)
    simulate_batch(config, rt.sink, date(2018, 11, 11), datetime(2018, 11, 11, 0, 5))
    seed(rt, datetime.combine(DAY, CUTOFF))
    rt.stop()
    return path


@pytest.fixture
def report(report_db):
    store = Store(report_db, read_only=True)
    with store.reading() as con:
        r = build(con, DAY, CUTOFF, datetime(2026, 1, 1))
    store.close()
    return r


def test_the_figures_equal_cbec_summary_and_an_independent_count(report, report_db, capsys):
    assert cli(["summary", "--db", str(report_db), "--date", "2019-11-11", "--until", "00:05", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    store = Store(report_db, read_only=True)
    with store.reading() as con:
        lists, value = con.execute(
            "SELECT count(*), sum(goods_value_fen) FROM inventory_list WHERE released_at >= ? AND released_at < ?",
            [datetime(2019, 11, 11), datetime(2019, 11, 11, 0, 5)],
        ).fetchall()[0]
        lists_ly = con.execute(
            "SELECT count(*) FROM inventory_list WHERE released_at >= ? AND released_at < ?",
            [datetime(2018, 11, 11), datetime(2018, 11, 11, 0, 5)],
        ).fetchall()[0][0]
    store.close()
    w = report.window
    assert w.lists == summary["released_lists"] == lists > 0
    assert w.value_fen == value and w.value_fen / 100 == pytest.approx(summary["goods_value_cny"], abs=0.005)
    assert w.lists_ly == lists_ly > 0
    assert report.by_site["lists"].sum() == w.lists
    assert report.by_platform["lists"].sum() == w.lists
    assert report.category_lists == w.lists  # every list is held in detail here
    assert int(report.hourly["lists"].sum()) == w.lists
    assert sum(report.checks.values()) > 0
    assert report.peak_minute and report.peak_minute[1] == max(
        read.release_per_minute(Store(report_db, read_only=True).cursor(), *read.day_window(DAY, CUTOFF))[
            "released_lists"
        ]
    )


def test_tax_cancellations_returns_and_trade_modes_equal_cbec_summary(report, report_db, capsys):
    assert cli(["summary", "--db", str(report_db), "--date", "2019-11-11", "--until", "00:05", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    a = report.net.adjustments
    assert a.cancelled_lists == summary["cancelled_lists"] >= 1
    assert float(a.returned_value) == pytest.approx(summary["returned_value_cny"]) and a.returned_value > 0
    assert report.net.net_released_lists == summary["net_released_lists"] == report.window.lists - a.cancelled_lists
    assert cny(report.net.net_goods_value) == summary["net_goods_value_cny"]
    assert {"assessed_cny": cny(a.tax_assessed), "voided_cny": cny(a.tax_voided), "net_cny": cny(a.tax_net)} == (
        summary["tax"]
    )
    assert a.tax_voided > 0 and report.format_rejects == summary["format_rejects_by_type"] == {"CEB621": 2, "CEB625": 1}
    assert list(report.by_trade_mode)[:2] == ["1210", "9610"]
    for mode, m in report.by_trade_mode.items():
        s = summary["by_trade_mode"][mode]
        assert (m.released_lists, cny(m.goods_value_fen / 100)) == (s["released_lists"], s["goods_value_cny"])
        assert (m.net_released_lists, cny(m.net_goods_value)) == (s["net_released_lists"], s["net_goods_value_cny"])
    assert sum(m.released_lists for m in report.by_trade_mode.values()) == report.window.lists
    # the sentence keeps the gross figure customs publishes
    assert f"清单{count_zh(report.window.lists)}单" in sentence.zh(report)


def test_the_files_carry_tax_cancellations_returns_and_the_trade_mode_split(report):
    a = report.net.adjustments
    wb = load_workbook(io.BytesIO(export.to_xlsx(report, "zh")))
    rows = {r[0]: r[1:] for r in wb["税款、撤单与退货"].iter_rows(min_row=5, values_only=True)}
    assert [c.value for c in wb["税款、撤单与退货"][4]] == ["指标", "数量", "金额(元)"]
    assert rows["应征税款"] == (None, cny(a.tax_assessed)) and rows["作废税款"] == (None, cny(a.tax_voided))
    assert rows["税款净额"] == (None, cny(a.tax_net))
    assert rows["放行后撤单"] == (a.cancelled_lists, cny(Decimal(a.cancelled_value_fen) / 100))
    assert rows["退货货值"] == (None, cny(a.returned_value))
    assert rows["放行（毛）"][0] == report.window.lists
    assert rows["净放行 / 净货值"] == (report.net.net_released_lists, cny(report.net.net_goods_value))
    assert rows["格式退回"] == (3, None) and rows["格式退回 · 进口清单"] == (2, None)
    assert wb["税款、撤单与退货"]["C5"].number_format == "#,##0.00"
    modes = {r[0]: r[1:] for r in wb["贸易方式"].iter_rows(min_row=5, values_only=True)}
    bonded = report.by_trade_mode["1210"]
    assert modes["1210 网购保税进口"][:2] == (bonded.released_lists, pytest.approx(bonded.goods_value_fen / 100))
    assert "9610 直购进口" in modes
    csv_text = export.to_csv(report, "en").decode("utf-8-sig")
    assert f'"Tax, cancellations and returns",Tax assessed,,{cny(a.tax_assessed)}' in csv_text
    assert "Trade modes,1210 bonded import," in csv_text
    md = export.to_markdown(report, "zh")
    assert "## 税款、撤单与退货" in md and "## 贸易方式" in md
    html = export.to_html(report, "zh")
    assert netline.line(report.net, "zh") in html and "<h2>贸易方式</h2>" in html


def with_window(report, lists, value_fen, lists_ly, value_fen_ly, **kw):
    return dataclasses.replace(report, window=Compared(lists, value_fen, lists_ly, value_fen_ly), **kw)


def test_the_sentence_reads_like_the_district_s_own(report):
    r = with_window(report, 6_311_049, 133_449_999_999, 4_674_851, 98_851_851_852, cutoff=time(14, 0),
                    end=datetime(2019, 11, 11, 14, 0))  # fmt: skip
    assert sentence.zh(r) == (
        "11月11日0点至14点，宁波海关共放行跨境电商进口清单631.1万单，货值13.34亿元，同比分别增长35.0%和35.0%。"
    )
    assert sentence.en(r) == (
        "From 00:00 to 14:00 on 11 November, Ningbo Customs released 6.31 million cross-border e-commerce"
        " import lists worth CNY 1.33 billion, up 35.0% and up 35.0% year on year."
    )


@pytest.mark.parametrize(
    ("lists", "value_fen", "lists_text", "value_text"),
    [
        (6_311_500, 133_450_000_000, "631.2万", "13.35亿元"),  # half up, not to even
        (6_311_499, 133_449_999_999, "631.1万", "13.34亿元"),
        (99_999_500, 999_950_000, "1.00亿", "1000.0万元"),  # 9999.95万 is 1.00亿; 999.95万 is 1000.0万
        (9_999, 999_999, "9999", "1.0万元"),
    ],
)
def test_the_sentence_rounds_half_up_at_the_edges(report, lists, value_fen, lists_text, value_text):
    r = with_window(report, lists, value_fen, 0, 0)
    text = sentence.zh(r)
    assert f"清单{lists_text}单" in text and f"货值{value_text}" in text
    assert "同比" not in text  # nothing to compare with


def test_year_on_year_says_rise_and_fall_in_words(report):
    assert sentence.percent(0.3505) == "35.1%" and sentence.percent(-0.0004) == "0.0%"
    down = with_window(report, 90, 9_000, 100, 10_000)
    assert "同比分别下降10.0%和10.0%" in sentence.zh(down)
    mixed = with_window(report, 110, 9_000, 100, 10_000)
    assert "清单量同比增长10.0%，货值同比下降10.0%" in sentence.zh(mixed)
    assert "up 10.0% and down 10.0% year on year" in sentence.en(mixed)


def test_a_whole_past_day_is_said_so(report):
    r = dataclasses.replace(report, cutoff=None, so_far=False, end=datetime(2019, 11, 12))
    assert sentence.zh(r).startswith("11月11日全天，")
    assert sentence.en(r).startswith("On 11 November, ")


def hostile(report):
    platforms = report.by_platform.copy()
    platforms.loc[0, "name_zh"] = HOSTILE
    platforms.loc[0, "name_en"] = HOSTILE
    return dataclasses.replace(report, by_platform=platforms)


def test_the_excel_file_opens_with_numbers_as_numbers_and_inert_text(report):
    wb = load_workbook(io.BytesIO(export.to_xlsx(hostile(report), "zh")))
    assert wb.sheetnames == ["概要", "税款、撤单与退货", "贸易方式", "各现场", "各平台", "各品类", "分时", "记录与查验"]
    summary = wb["概要"]
    assert summary["A1"].value == "跨境电商网购保税进口日报"
    assert summary["A2"].value.startswith("11月11日0点至0点5分，宁波海关共放行跨境电商进口清单")
    assert [c.value for c in summary[4]] == [
        "指标",
        "放行清单(单)",
        "货值(元)",
        "去年同期(单)",
        "去年同期货值(元)",
        "同比",
    ]
    assert summary["B5"].value == report.window.lists and summary["B5"].number_format == "#,##0"
    assert summary["C5"].value == pytest.approx(report.window.value_fen / 100)
    assert isinstance(summary["F5"].value, float) and summary["F5"].number_format.startswith("+0.0%")
    sites = wb["各现场"]
    assert sites["A5"].value == report.by_site.loc[0, "name_zh"] and sites["D5"].number_format == "0.0%"
    cell = wb["各平台"]["A5"]
    assert cell.value == HOSTILE and cell.data_type == "s" and cell.quotePrefix
    assert not any(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_csv_and_markdown_keep_hostile_text_inert(report):
    text = export.to_csv(hostile(report), "zh").decode("utf-8-sig")
    assert "'" + HOSTILE.replace('"', '""') in text and ',"=HYPERLINK' not in text
    assert f"{report.window.lists}" in text
    md = export.to_markdown(report, "en")
    assert md.startswith("# Cross-border e-commerce bonded import: daily report · 2019-11-11 00:00–00:05")
    assert f"| {report.window.lists:,} |" in md


def test_the_pdf_is_one_a4_page_or_more(report):
    pdf = export.to_pdf(report, "zh")
    assert pdf.startswith(b"%PDF")
    sizes = {
        tuple(round(float(x)) for x in m) for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    }
    assert sizes == {(595, 842)}  # A4 in points


STUCK_PRINTER = """#!/bin/sh
# prints a PDF the way Chromium does, then never exits
for a in "$@"; do
  case "$a" in --print-to-pdf=*) printf '%%PDF-1.4\\n1 0 obj\\n%%%%EOF\\n' > "${a#--print-to-pdf=}";; esac
done
exec sleep 600
"""


def test_a_printer_that_hangs_after_printing_still_gives_the_pdf_at_once(report, tmp_path):
    printer = tmp_path / "chromium"
    printer.write_text(STUCK_PRINTER)
    printer.chmod(0o755)
    started = time_module.monotonic()
    assert export.to_pdf(report, "zh", chromium=str(printer)).startswith(b"%PDF-1.4")
    assert time_module.monotonic() - started < 10


HANGS_ONCE = """#!/bin/sh
# the first time, hangs before printing anything; the second time, prints
if [ ! -e "$0.tried" ]; then touch "$0.tried"; exec sleep 600; fi
for a in "$@"; do
  case "$a" in --print-to-pdf=*) printf '%%PDF-1.4\\n1 0 obj\\n%%%%EOF\\n' > "${a#--print-to-pdf=}";; esac
done
"""


def test_a_printer_that_hangs_before_printing_is_asked_once_more(report, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PDF_SECONDS", 6)
    printer = tmp_path / "chromium"
    printer.write_text(HANGS_ONCE)
    printer.chmod(0o755)
    started = time_module.monotonic()
    assert export.to_pdf(report, "zh", chromium=str(printer)).startswith(b"%PDF-1.4")
    assert 2 <= time_module.monotonic() - started < 10  # the first try's share of the time, then the second


def test_cbec_report_writes_each_format(report_db, tmp_path, capsys):
    for fmt in ("xlsx", "csv", "md", "pdf"):
        out = tmp_path / f"r.{fmt}"
        args = ["report", "--db", str(report_db), "--date", "2019-11-11", "--until", "00:05", "--out", str(out)]
        assert cli(args) == 0
        assert out.stat().st_size > 0
    said = capsys.readouterr().out
    assert "11月11日0点至0点5分，宁波海关共放行" in said
    # its figures come from the simulator: every file says so at its head
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# 跨境电商网购保税进口日报 · 模拟数据")
    assert (tmp_path / "r.csv").read_text(encoding="utf-8-sig").startswith("模拟数据：本报告中的数字由模拟器生成")
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]["A1"].value.endswith("· 模拟数据")
    assert cli(["report", "--db", str(report_db), "--date", "2019-11-11", "--out", str(tmp_path / "r.doc")]) == 2
    assert "format must be one of" in capsys.readouterr().err


@pytest.fixture
def digest_setup(report_db, tmp_path, config, monkeypatch):
    db = tmp_path / "digest.duckdb"
    shutil.copy(report_db, db)
    store = Store(db)
    clock = {"now": datetime(2019, 11, 12, 7, 59)}
    receiver = Receiver([500])  # the first post fails, the retry lands
    monkeypatch.setenv("CBEC_TEST_ROBOT_KEY", "k123")
    digest_cfg = dataclasses.replace(
        config.digest, folder=tmp_path / "reports", formats=("xlsx", "md"), webhook_url=receiver.url, retries=2
    )
    cfg = dataclasses.replace(config, digest=digest_cfg)
    digest = Digest(cfg, store, clock=lambda: clock["now"], sleep=lambda s: None)
    yield digest, clock, receiver, store
    receiver.close()
    store.close()


def test_the_digest_fires_at_eight_beijing_time_and_posts_once(digest_setup):
    digest, clock, receiver, store = digest_setup
    assert digest.tick() == []  # 07:59: not yet
    clock["now"] = datetime(2019, 11, 12, 8, 0, 20)
    (run,) = digest.tick()
    assert run["job"] == "morning" and run["for_date"] == date(2019, 11, 11)
    assert run["outcome"] == "ok" and run["attempts"] == 2  # one failure, one retry
    assert len(receiver.posts) == 2
    body = receiver.posts[-1]
    assert body["msgtype"] == "markdown" and "宁波海关共放行跨境电商进口清单" in body["markdown"]["content"]
    folder = digest.config.digest.folder / "2019-11-11"
    assert sorted(p.name for p in folder.iterdir()) == [
        "cbec-report-2019-11-11-day.md",
        "cbec-report-2019-11-11-day.xlsx",
    ]
    clock["now"] += timedelta(minutes=5)
    assert digest.tick() == []  # once a day
    with store.reading() as con:
        runs = read.digest_runs(con)
    assert runs["outcome"].tolist() == ["ok"]


def test_the_digest_is_sent_by_exactly_one(digest_setup):
    digest, clock, receiver, store = digest_setup
    peer = Peer()
    digest.duty = d = duty("standby", peer)
    d.check()
    clock["now"] = datetime(2019, 11, 13, 8, 0, 20)
    (run,) = digest.tick()
    assert run["outcome"] == "standby" and receiver.posts == []  # the primary answers: it sends
    clock["now"] = datetime(2019, 11, 12, 8, 0, 20)
    peer.up = False
    peer.after(d, 10)
    assert digest.tick() == []  # the primary is silent but not yet for long: neither is sure, so it waits
    peer.after(d, 25)
    clock["now"] = datetime(2019, 11, 12, 8, 1)
    (run,) = digest.tick()
    assert run["outcome"] == "ok" and "宁波海关共放行" in receiver.posts[-1]["markdown"]["content"]
    with store.reading() as con:
        assert sorted(read.digest_runs(con)["outcome"]) == ["ok", "standby"]


def test_a_primary_does_not_repeat_a_digest_its_standby_sent(digest_setup):
    digest, clock, receiver, store = digest_setup
    peer = Peer()
    spell = Spell(datetime(2019, 11, 12, 7, 50), datetime(2019, 11, 12, 8, 30))
    peer.body = {"status": "ok", "instance": {"spells": [spell.as_dict()]}}
    digest.duty = d = duty("primary", peer)
    d.check()
    clock["now"] = datetime(2019, 11, 12, 9, 0)  # back from a restart, within the catch-up time
    (run,) = digest.tick()
    assert run["outcome"] == "standby" and receiver.posts == []


def test_the_promotion_noon_digest_runs_on_promotion_days_only(digest_setup):
    digest, clock, receiver, store = digest_setup
    clock["now"] = datetime(2019, 11, 11, 14, 0, 5)
    runs = digest.tick()
    assert [r["job"] for r in runs] == ["promotion-noon"]
    assert runs[0]["for_date"] == date(2019, 11, 11)
    clock["now"] = datetime(2019, 11, 20, 14, 0, 5)
    assert digest.tick() == []  # an ordinary day: no noon digest (and 08:00 is over six hours ago)


def test_a_day_without_data_is_skipped_and_recorded(digest_setup):
    digest, clock, receiver, store = digest_setup
    clock["now"] = datetime(2019, 12, 25, 8, 0)
    (run,) = digest.tick()
    assert run["outcome"] == "skipped" and run["detail"] == "2019-12-24 00:00–24:00"  # shown beside 跳过（无放行）
    assert receiver.posts == []


def test_a_post_that_keeps_failing_is_recorded_as_such(digest_setup):
    digest, clock, receiver, store = digest_setup
    cfg = dataclasses.replace(digest.config.digest, webhook_url="http://127.0.0.1:9/nothing-listens-here")
    digest.config = dataclasses.replace(digest.config, digest=cfg)
    clock["now"] = datetime(2019, 11, 12, 8, 1)
    (run,) = digest.tick()
    assert run["outcome"] == "post_failed" and run["attempts"] == 3 and "webhook" in run["detail"]


def test_a_dingtalk_robot_gets_its_format_and_a_valid_signature(digest_setup, monkeypatch):
    import base64
    import hashlib
    import hmac
    from urllib.parse import parse_qs, unquote_plus, urlparse

    digest, clock, receiver, store = digest_setup
    seen = []
    monkeypatch.setenv("CBEC_TEST_DING_SECRET", "SECabc")
    cfg = dataclasses.replace(digest.config.digest, webhook_kind="dingtalk", webhook_secret="${CBEC_TEST_DING_SECRET}")
    digest.config = dataclasses.replace(digest.config, digest=cfg)
    post = digest.post
    digest.post = lambda url, **kw: (seen.append(url), post(url, **kw))[1]
    clock["now"] = datetime(2019, 11, 12, 8, 0)
    (run,) = digest.tick()
    assert run["outcome"] == "ok"
    body = receiver.posts[-1]
    assert body["msgtype"] == "markdown" and body["markdown"]["title"].startswith("跨境电商网购保税进口日报")
    query = parse_qs(urlparse(seen[-1]).query)
    assert query["key"] == ["k123"]  # the ${NAME} in the URL came from the environment
    ts = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECabc", f"{ts}\nSECabc".encode(), hashlib.sha256).digest()).decode()
    assert unquote_plus(urlparse(seen[-1]).query.split("sign=")[1]) == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_page_runs_and_offers_the_sentence(promo_runtime, lang):
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    at.switch_page("app_pages/report.py").run()
    assert not at.exception, at.exception
    (code,) = at.code
    assert ("宁波海关共放行跨境电商进口清单" if lang == "zh" else "Ningbo Customs released") in code.value


def test_the_report_page_shows_tax_cancellations_returns_and_trade_modes(promo_runtime):
    seed(promo_runtime, promo_runtime.clock())
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/report.py").run()
    assert not at.exception, at.exception
    with promo_runtime.store.reading() as con:
        r = build(con, promo_runtime.clock().date(), None, promo_runtime.clock())
    assert r.net.adjustments.cancelled_lists >= 1
    assert netline.line(r.net, "zh") in [c.value for c in at.caption]
    tables = [
        pd.read_html(StringIO(h.proto.body), keep_default_na=False, thousands=None)[0]
        for h in at.get("html")
        if "<table" in h.proto.body
    ]
    adjusted = next(t for t in tables if "金额" in t.columns).set_index("指标")
    assert adjusted.loc["应征税款", "金额"] == yuan_zh(fen(r.net.adjustments.tax_assessed))  # 万元/亿元 on screen
    assert adjusted.loc["放行后撤单", "数量"] == f"{r.net.adjustments.cancelled_lists:,}"
    assert adjusted.loc["应征税款", "数量"] == "—"  # no figure reads as a dash, never "None" or 0
    modes = next(t for t in tables if "贸易方式" in t.columns).set_index("贸易方式")
    assert modes.loc["1210 网购保税进口", "放行清单(单)"] == f"{r.by_trade_mode['1210'].released_lists:,}"
    (code,) = at.code
    assert f"清单{count_zh(r.window.lists)}单" in code.value  # the gross figure, as published


def test_the_ops_page_shows_each_digest_run(promo_runtime, tmp_path):
    cfg = dataclasses.replace(
        promo_runtime.config,
        digest=dataclasses.replace(promo_runtime.config.digest, folder=tmp_path, formats=("md",), webhook_url=""),
    )
    digest = Digest(cfg, promo_runtime.store, clock=lambda: datetime(2019, 11, 12, 8, 0, 30))
    (run,) = digest.tick()
    assert run["outcome"] == "ok" and run["files"] == "cbec-report-2019-11-11-day.md"
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/collectors.py").run()
    assert not at.exception, at.exception
    html = next(h.proto.body for h in at.get("html") if 'data-testid="digest-table"' in h.proto.body)
    runs = pd.read_html(StringIO(html), keep_default_na=False, thousands=None)[0]
    assert runs.iloc[0]["结果"] == text("run_ok", "zh") and runs.iloc[0]["文件"] == "cbec-report-2019-11-11-day.md"


# -- a report that never contradicts itself ------------------------------------------------------
SIGNED_PERCENT = re.compile(r"[+-]\d+(\.\d+)?%")


@pytest.fixture(scope="module")
def founding(promo_db):
    """2019-11-11 00:00-00:05 in a store that holds nothing of 2018: the day the store was founded."""
    store = Store(promo_db, read_only=True)
    with store.reading() as con:
        r = build(con, DAY, CUTOFF, datetime(2026, 1, 1))
    store.close()
    return r


def test_a_day_without_last_year_compares_nothing_in_any_file(founding):
    r = founding
    assert r.has_data and r.window.ly_lists is None and r.window.lists_change is None
    assert r.whole_day_ly is None and r.hourly["lists_ly"].isna().all() and r.by_site["lists_ly"].isna().all()
    for lang in ("zh", "en"):
        sentence_ = export.summary_sentence(r, lang)
        assert "同比" not in sentence_ and "year on year" not in sentence_ and "%" not in sentence_
        for title, headers, rows in export.sheets(r, lang):  # no 0 standing for last year's missing data
            for i, h in enumerate(headers):
                if h in (text(k, lang) for k in ("rep_lists_ly", "rep_value_ly", "rep_change")):
                    assert all(row[i] is None for row in rows), (title, h)
        md, html = export.to_markdown(r, lang), export.to_html(r, lang)
        csv_text = export.to_csv(r, lang).decode("utf-8-sig")
        for shown in (md, html, csv_text):
            assert not SIGNED_PERCENT.search(shown)
        assert text("rep_no_ly", lang) in md and text("rep_no_ly_short", lang) in html
        legend = html.split('<small class="legend">')[1].split("</small>")[0]
        assert text("last_year", lang) not in legend and 'class="ly"' not in html  # no bars, no legend for them
    wb = load_workbook(io.BytesIO(export.to_xlsx(r, "zh")))
    summary = {row[0]: row[1:] for row in wb["概要"].iter_rows(min_row=5, max_row=8, values_only=True)}
    assert summary["合计"][2:] == (None, None, None)
    assert summary["去年同日全天"][:2] == (None, None)
    sites = list(wb["各现场"].iter_rows(min_row=5, values_only=True))
    assert sites and all(row[4] is None and row[5] is None for row in sites)
    from core.report.digest import digest_text

    assert "同比" not in digest_text(r, ("宁波海关", "Ningbo Customs"), [])


def test_month_and_year_to_date_only_when_they_hold_their_whole_span(report):
    # the store's 2019 starts on 11 November: a month or year to date would be that day again
    assert report.month.lists == report.year.lists == report.window.lists
    assert not report.month.complete and not report.year.complete
    rows = {row[0]: row[1:] for row in export.sheets(report, "zh")[0][2]}
    assert rows["本月累计"] == rows["本年累计"] == [None] * 5
    assert rows["合计"][0] == report.window.lists
    assert any("本月累计自 2019-11-11 起" in n for n in export.notes(report, "zh"))
    html = export.to_html(report, "zh")
    assert "<span>本月累计</span><b>—</b><span>数据不完整</span>" in html


def test_while_history_loads_nothing_is_compared(report_db, report):
    assert report.window.lists_change is not None  # last year is there
    store = Store(report_db, read_only=True)
    with store.reading() as con:
        loading = build(con, DAY, CUTOFF, datetime(2026, 1, 1), history_loading=True)
    store.close()
    assert loading.window.lists == report.window.lists  # the day's own figure stands
    assert loading.window.lists_change is None and loading.window.ly_lists is None and loading.whole_day_ly is None
    assert "同比" not in sentence.zh(loading) and "year on year" not in sentence.en(loading)
    assert not SIGNED_PERCENT.search(export.to_markdown(loading, "zh"))
    assert text("rep_loading_note", "zh") in export.notes(loading, "zh")
    assert "<span>同比</span><b>—</b><span>历史数据载入中</span>" in export.to_html(loading, "zh")


def ly_lists_between(report_db, start: datetime, end: datetime) -> int:
    store = Store(report_db, read_only=True)
    with store.reading() as con:  # an independent count over the facts
        n = con.execute(
            "SELECT count(*) FROM inventory_list WHERE released_at >= ? AND released_at < ?", [start, end]
        ).fetchall()[0][0]
    store.close()
    return n


@pytest.mark.parametrize("cutoff, now", [(time(0, 3), datetime(2026, 1, 1)), (None, datetime(2019, 11, 11, 0, 3, 40))])
def test_the_hour_in_progress_stands_against_last_years_same_minutes(report_db, cutoff, now):
    store = Store(report_db, read_only=True)
    with store.reading() as con:
        r = build(con, DAY, cutoff, now)
    store.close()
    assert r.end == datetime(2019, 11, 11, 0, 3)  # whole minutes only, this year and last
    hour0 = r.hourly.set_index("hour").loc[0]
    assert hour0["lists"] == r.window.lists == ly_lists_between(report_db, datetime(2019, 11, 11), r.end)
    same_minutes_ly = ly_lists_between(report_db, datetime(2018, 11, 11), datetime(2018, 11, 11, 0, 3))
    assert hour0["lists_ly"] == same_minutes_ly == r.window.lists_ly > 0
    assert same_minutes_ly < ly_lists_between(report_db, datetime(2018, 11, 11), datetime(2018, 11, 11, 1))
    assert r.hourly.set_index("hour").loc[1:, "lists"].isna().all()  # hours to come have no figure yet
    legend = export.to_html(r, "zh").split('<small class="legend">')[1].split("</small>")[0]
    assert ("今日" in legend) == (now.date() == DAY) and ("11月11日" in legend) != (now.date() == DAY)


def test_the_legend_says_today_only_for_today(report):
    assert export.day_label(dataclasses.replace(report, is_today=True), "zh") == "今日"
    assert export.day_label(report, "zh") == "11月11日" and export.day_label(report, "en") == "11 Nov"


def test_money_reads_in_wan_and_yi_and_keeps_two_decimals_in_spreadsheets(report):
    md = export.to_markdown(report, "zh")
    assert "CNY" not in md and "CNY" not in export.to_html(report, "zh")
    sites = md.split("## 各现场")[1].split("##")[0]
    first = report.by_site.iloc[0]
    assert f"| {yuan_zh(int(first['value_fen']))} |" in sites and "| 货值 |" in sites
    csv_text = export.to_csv(report, "zh").decode("utf-8-sig")
    site_row = next(line for line in csv_text.splitlines() if line.startswith(f"各现场,{first['name_zh']},"))
    assert site_row.split(",")[3] == f"{Decimal(int(first['value_fen'])) / 100:.2f}"  # exactly 2 decimals
    for line in csv_text.splitlines():
        if line.startswith(("概要,合计", "贸易方式,")):
            assert re.fullmatch(r"\d+\.\d\d", line.split(",")[3]), line
    wb = load_workbook(io.BytesIO(export.to_xlsx(report, "zh")))
    cell = wb["各现场"]["C5"]
    assert isinstance(cell.value, float) and cell.number_format == "#,##0.00"


@pytest.fixture(scope="module")
def history_only(config, tmp_path_factory):
    """An ordinary morning, 00:00-00:20, held only as simulated history (minute totals)."""
    cfg = dataclasses.replace(config, simulator=dataclasses.replace(config.simulator, history_days=0,
                                                                     live_day_kind="ordinary"))  # fmt: skip
    path = tmp_path_factory.mktemp("history") / "h.duckdb"
    rt = Runtime(cfg, db_path=path, with_collectors=False)
    now = datetime(2019, 3, 5, 0, 20)
    src = SimulatorSource("simulator", cfg, clock=lambda: now)
    for _ in range(50):  # today's history is written first; the rest is not needed
        src.collect(rt.sink)
        with rt.store.reading() as con:
            if con.execute("SELECT count(*) FROM release_category_minute").fetchall()[0][0]:
                break
    with rt.store.reading() as con:
        r = build(con, now.date(), None, now)
        held = con.execute("SELECT count(*) FROM inventory_list WHERE released_at IS NOT NULL").fetchall()[0][0]
    rt.stop()
    return r, held


def test_categories_count_every_released_list(history_only):
    r, held_in_detail = history_only
    assert r.window.lists > 1000 and held_in_detail < r.window.lists  # most of the morning is minute totals
    assert r.category_lists == int(r.by_category["lists"].sum()) == r.window.lists
    assert int(r.by_category["value_fen"].sum()) == r.window.value_fen
    assert not any("品类分布" in n for n in export.notes(r, "zh"))


A4_CONTENT_PX = (round((210 - 24) / 25.4 * 96), round((297 - 28) / 25.4 * 96))  # A4 less the @page margins
PRINT_LAYOUT = """() => [...document.querySelectorAll('h2')].map(h => {
    const s = h.closest('section'), style = s && getComputedStyle(s);
    return {heading: h.textContent, kept: !!s && style.breakInside === 'avoid' && s.firstElementChild === h
              && !!s.querySelector('table, svg'),
            height: s ? s.getBoundingClientRect().height : 0,
            fits: [...(s ? s.querySelectorAll('table') : [])].every(t => t.scrollWidth <= s.clientWidth + 1),
            oneLine: [...(s ? s.querySelectorAll('th') : [])].every(th => th.clientHeight < 2 * parseFloat(
              getComputedStyle(th).fontSize) + 12)};
})"""


@pytest.mark.browser
@pytest.mark.parametrize("which", ["report", "founding"])
def test_the_printed_page_keeps_each_heading_with_its_table_within_a4(which, request, browser):
    """Laid out by Chromium as it prints (print media, the A4 content width): every heading opens a
    block that never splits and fits a page, so none can end a page alone; tables fit the width and
    their headers stay on one line, also over columns of "—" (the founding day)."""
    r = request.getfixturevalue(which)
    page = browser.new_page(viewport={"width": A4_CONTENT_PX[0], "height": A4_CONTENT_PX[1]})
    page.emulate_media(media="print")
    page.set_content(export.to_html(r, "zh"))
    blocks = page.evaluate(PRINT_LAYOUT)
    page.close()
    assert len(blocks) >= 8
    for b in blocks:
        assert b["kept"] and 0 < b["height"] < A4_CONTENT_PX[1], b
        assert b["fits"] and b["oneLine"], b
