"""The product as a user meets it: the README's run command, a real browser."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from browser import chromium_page, running_app, screenshot
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.browser


def released_count(page) -> int:
    """The exact count under the headline; 0 while it shows none yet (a placeholder)."""
    sub = page.locator('[data-testid="released-today"] .sub').first.inner_text(timeout=60_000)
    digits = re.sub(r"\D", "", sub.split()[0]) if sub.split() else ""
    return int(digits) if digits else 0


def released_as_ingested(base: str) -> float:
    text = httpx.get(f"{base}/metrics", timeout=5).text
    return sum(
        s.value
        for f in text_string_to_metric_families(text)
        if f.name == "cbec_released_lists"
        for s in f.samples
        if s.name == "cbec_released_lists_total"
    )


def test_overview_comes_alive_and_grows(tmp_path):
    started = time.monotonic()
    with running_app(tmp_path / "live.duckdb") as (base, _):
        with chromium_page() as page:
            page.goto(base)
            page.wait_for_selector('[data-testid="released-today"]', timeout=60_000)
            first = released_count(page)
            while first == 0 and time.monotonic() - started < 60:  # the first batch may not be in yet
                time.sleep(0.5)
                first = released_count(page)
            alive_after = time.monotonic() - started
            assert first > 0, "no released list shown within a minute"
            deadline = time.monotonic() + 30
            later = first
            while later <= first and time.monotonic() < deadline:
                time.sleep(1)
                later = released_count(page)
            screenshot(page, "overview-1920x1080")
            assert later > first, "the released-lists figure did not grow"
            assert page.get_by_test_id("sim-mark").inner_text() == "模拟数据"  # the demo says it is one
            assert alive_after < 60

        health = httpx.get(f"{base}/healthz", timeout=5).json()
        assert set(health["collectors"]) == {"simulator", "video"}  # the demo's cameras report as a source too
        sim = health["collectors"]["simulator"]
        assert sim["state"] in ("ok", "quiet")
        assert sim["rows"] > 0 and sim["last_success"] and sim["lag_seconds"] is not None
        assert "last_error" in sim
        fams = {f.name: f for f in text_string_to_metric_families(httpx.get(f"{base}/metrics", timeout=5).text)}
        sites = {s.labels["site"] for s in fams["cbec_released_lists"].samples}
        assert {"bsq", "hzw"} <= sites
        assert "cbec_released_goods_value_cny" in fams


def test_sigterm_stops_cleanly_and_keeps_committed_data(tmp_path):
    import duckdb

    db = tmp_path / "stop.duckdb"
    with running_app(db) as (base, proc):
        # stop only once live releases are flowing, whatever the hour of the night
        deadline = time.monotonic() + 90
        while released_as_ingested(base) == 0:
            assert time.monotonic() < deadline, "no live release within 90 s"
            time.sleep(1)
        time.sleep(1)
    log = (tmp_path / "app.log").read_text(errors="replace")
    assert "collector runtime stopped" in log
    assert "Traceback" not in log
    con = duckdb.connect(str(db), read_only=True)
    # the minute live records started: history aggregates stop before it
    start = con.execute(
        "SELECT date_trunc('minute', min(started_at)) FROM collector_run WHERE collector = 'simulator'"
    ).fetchall()[0][0]
    raw = con.execute("SELECT count(*) FROM inventory_list WHERE released_at >= ?", [start]).fetchall()[0][0]
    rollup = con.execute("SELECT sum(released_lists) FROM release_minute WHERE minute >= ?", [start]).fetchall()[0][0]
    con.close()
    # live records are whole: the rollup and the facts agree exactly after the stop
    assert raw > 0 and rollup == raw
