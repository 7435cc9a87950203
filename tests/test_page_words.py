"""The catalogue scan: every working page at 1920x1080 in zh-CN, read as a
person reads it. A page fails on an English word or a raw identifier in its
rendered text, on anything cut off on the right, on a table drawn on a canvas
(its text cannot be checked), and on any request to a host other than the app's."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import httpx
import pytest
from browser import running_app, screenshot

from core.names import plain_address
from core.numbers import axis_ticks, percent

# every page checked here, by name and address: the report and the walls join with one line each
PAGES = {
    "overview": "",
    "video": "video",
    "warehouses": "warehouses",
    "system-health": "system-health",
    "collectors": "collectors",
    "users": "users",
    "audit": "audit",
    "report": "report",
    "wall": "wall?kiosk=1&screen=city",
    "wall-bsq": "wall?kiosk=1&screen=bsq",
    "alerts": "alerts",  # last: the fault set at the start has had time to raise its alert
}

# units and acronyms a Chinese reader reads as they are; "English" names the language switch
ALLOWED = {"m", "P95", "DXP", "CEB", "ID", "SSO", "XML", "JSON", "CSV", "PDF", "A4", "X", "English"}
PATHS = re.compile(r"\S*/\S*")  # a folder, an address or a unit such as Mbit/s
# a file's name, as ops must see it to find it: configuration, messages, the digest's reports
FILES = re.compile(r"[\w.-]+\.(?:toml|xml|yml|yaml|md|pdf|xlsx|csv)\b")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_.:][A-Za-z0-9]+)*")

VISIBLE_TEXT = """() => {
  const skip = '[data-testid="stSkipToContent"], style, script, noscript';
  const out = [];
  // a wall is a custom component: its text may sit in a shadow root
  const hosts = [...document.querySelectorAll('*')].filter((e) => e.shadowRoot);
  const roots = [document.body, ...hosts.map((e) => e.shadowRoot)];
  for (const root of roots) {
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !el.checkVisibility({visibilityProperty: true, opacityProperty: false})) continue;
    if (getComputedStyle(el).fontFamily.includes('Material Symbols')) continue;  // an icon's ligature name
    if (n.textContent.trim()) out.push(n.textContent.trim());
  }
  }
  return out.join('\\n');
}"""

CLIPPED = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
  .filter(e => e instanceof HTMLElement && !e.closest('.js-plotly-plot') && e.checkVisibility()
               && e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName}.${e.className} ${e.dataset.testid || ''} ${e.scrollWidth}>${e.clientWidth}`)"""


def foreign_words(text: str) -> list[str]:
    """Words of ASCII letters that are neither a unit nor an acronym on the allow-list."""
    text = FILES.sub(" ", PATHS.sub(" ", text))
    return sorted({w for w in WORD.findall(text) if w not in ALLOWED})


def test_the_scan_catches_what_users_reported():
    reported = "changed_at firing nodata bsq eport_link camera ::ffff:127.0.0.1 wrong name 8M 6k CNY /min 高于 0.95"
    found = foreign_words(reported)
    for word in ("changed_at", "firing", "nodata", "bsq", "eport_link", "camera", "wrong", "M", "k", "CNY"):
        assert word in found, word
    assert foreign_words("保税区1号仓 97% 高于 95% · P95 12秒 · 面积(m²) alerts.toml /wall?kiosk=1 Mbit/s") == []


def test_chart_axes_speak_wan_and_yi():
    import pandas as pd

    from dashboard.components import charts

    today = pd.Series([0, 3_100_000, 7_822_000])
    fig = charts.cumulative(today, pd.Series([0, 2_000_000, 6_100_000]), ("今日", "去年同日"), "累计放行（单）", "zh")
    y = fig.layout.yaxis
    assert y.tickmode == "array" and list(y.ticktext) == ["0", "200万", "400万", "600万", "800万"]
    assert y.tickvals[-1] >= 7_822_000  # the curve stays under the top tick
    assert axis_ticks(3.2e8)[1] == ["0", "1亿", "2亿", "3亿", "4亿"]
    assert axis_ticks(25_000)[1] == ["0", "5000", "1万", "1.5万", "2万", "2.5万"]
    assert axis_ticks(8e6, "en")[1][-1] == "8 M"


def test_ratios_read_as_percents_and_addresses_plainly():
    assert (percent(0.97), percent(0.95), percent(0.955)) == ("97%", "95%", "96%")
    assert plain_address("::ffff:127.0.0.1") == "127.0.0.1"
    assert plain_address("::1") == "::1" and plain_address("10.1.2.3") == "10.1.2.3"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("words") / "live.duckdb") as (base, _):
        # a gate down: its component, state and alert must read in words too
        r = httpx.post(f"{base}/api/simulator/faults", json={"equipment_down": "bsq/gate-2"}, timeout=10)
        assert r.status_code == 200, r.text
        yield base


def open_page(browser, base: str, path: str):
    """The page at 1920x1080 once its text has stopped changing; and the hosts it asked."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"{base}/{path}")
    # every page marks simulated figures; a wall marks its own canvas once its data has come
    page.wait_for_selector('[data-testid="sim-mark"], [data-testid="wall-sim-mark"]:not([hidden])', timeout=60_000)
    last, deadline = "", time.monotonic() + 30
    while time.monotonic() < deadline:  # fragments fill in after the first paint
        time.sleep(1.5)
        # its words, not its digits: a wall's clock and live figures change every second
        now = re.sub(r"[0-9]", "", page.evaluate(VISIBLE_TEXT))
        if now == last and not page.locator('[data-testid="stSkeleton"]').count():
            break
        last = now
    return page, asked


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGES))
def test_page_reads_in_chinese_unclipped_and_local(app, browser, name):
    page, asked = open_page(browser, app, PAGES[name])
    try:
        screenshot(page, f"page-{name}-1920x1080")
        text = page.evaluate(VISIBLE_TEXT)
        assert foreign_words(text) == [], f"{name}: English or raw identifiers on screen"
        assert "::ffff:" not in text
        assert page.locator('[data-testid="stDataFrame"]').count() == 0, f"{name}: a canvas table cannot be read"
        assert page.evaluate(CLIPPED) == [], f"{name}: cut off on the right"
        own = urlsplit(app).netloc
        outside = sorted({u for u in asked if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != own})
        assert outside == [], f"{name}: requests to other hosts"
    finally:
        page.close()


@pytest.mark.browser
def test_a_new_token_is_listed_at_once(app, browser):
    page, _ = open_page(browser, app, PAGES["users"])
    try:
        page.get_by_label("名称（大屏所在位置）").fill("一楼大厅")
        page.get_by_role("button", name="生成令牌").click()
        table = page.get_by_test_id("token-table")
        table.wait_for(timeout=30_000)
        assert "一楼大厅" in table.inner_text()
        assert "全部大屏" in table.inner_text()
        assert "/wall?kiosk=1&token=" in page.locator('[data-testid="stCode"]').inner_text()
        assert foreign_words(page.evaluate(VISIBLE_TEXT)) == []
        screenshot(page, "page-users-token-1920x1080")
    finally:
        page.close()
    page, _ = open_page(browser, app, PAGES["audit"])  # the change is on record, in words
    try:
        text = page.evaluate(VISIBLE_TEXT)
        assert "令牌管理" in text and "一楼大厅" in text
        assert foreign_words(text) == []
        screenshot(page, "page-audit-after-token-1920x1080")
    finally:
        page.close()
