"""The local federation `make federation` starts: three district apps, a real
Prometheus scraping them, a national app. The national day equals the sum of the
districts' `cbec summary`, the national live figure is within one scrape of the sum
of their counters, and a stopped district is shown stale in time, the others not."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from browser import free_port, screenshot
from prometheus_client.parser import text_string_to_metric_families

from base.clock import now_beijing
from base.config import load_config
from core import national

ROOT = Path(__file__).resolve().parent.parent
SCRAPE = 1.0
STALE_AFTER = 5.0

spec = importlib.util.spec_from_file_location("federation", ROOT / "scripts" / "federation.py")
federation_script = importlib.util.module_from_spec(spec)
sys.modules["federation"] = federation_script  # its dataclasses look their module up
spec.loader.exec_module(federation_script)


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    base = free_port()
    while any(_taken(base + i) for i in range(1, 4)):
        base = free_port()
    f = federation_script.Federation(tmp_path_factory.mktemp("fed"), base, free_port(), SCRAPE, STALE_AFTER, 1)
    try:
        f.start()
        f.wait_ready(240)
        yield f
    finally:
        f.stop_all()


def _taken(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def cli(fed, code: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CBEC_CONFIG": str(fed.folder / f"district-{code}.toml"), "PYTHONPATH": str(ROOT)}
    db = str(fed.folder / f"district-{code}.duckdb")
    return subprocess.run([sys.executable, "-m", "cbec.cli", *args, "--db", db], capture_output=True, text=True,
                          env=env, timeout=120, cwd=ROOT)  # fmt: skip


def counters(fed) -> int:
    total = 0
    for port in fed.ports.values():
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5, trust_env=False).text
        fams = {f.name: f for f in text_string_to_metric_families(text)}
        total += sum(s.value for s in fams["cbec_released_lists"].samples if s.name == "cbec_released_lists_total")
    return round(total)


@pytest.mark.slow
def test_the_national_day_is_the_sum_of_the_districts_summaries(fed):
    # the folder the national app reads (this session's CBEC_EXPORTS would stand in for it here)
    cfg = dataclasses.replace(load_config(fed.folder / "national.toml").national, exports=fed.exports)
    yesterday = (now_beijing() - timedelta(days=1)).date()
    want = {}
    for p in federation_script.DISTRICTS:
        done = cli(fed, p.code, "export", "--parquet", str(fed.exports), "--date", yesterday.isoformat())
        assert done.returncode == 0, done.stderr
        summary = cli(fed, p.code, "summary", "--date", yesterday.isoformat(), "--json")
        assert summary.returncode == 0, summary.stderr
        want[p.code] = json.loads(summary.stdout)
    days = {d.district.code: d for d in national.days(cfg, yesterday, yesterday)}
    for code, s in want.items():
        assert days[code].days == 1 and days[code].now.released_lists == s["released_lists"] > 0
        assert days[code].now.goods_value_fen == round(s["goods_value_cny"] * 100)
    assert sum(d.now.released_lists for d in days.values()) == sum(s["released_lists"] for s in want.values())
    assert len({s["released_lists"] for s in want.values()}) == 3  # three different districts


@pytest.mark.slow
def test_the_national_live_figure_is_within_one_scrape_of_the_districts_counters(fed):
    cfg = load_config(fed.folder / "national.toml").national
    for _ in range(3):
        before = counters(fed)
        time.sleep(SCRAPE + 0.5)  # every district scraped at least once since `before`
        snap = national.live(cfg)
        after = counters(fed)
        assert not snap.error and not any(d.stale for d in snap.districts), snap
        assert before <= snap.released_lists <= after, (before, snap.released_lists, after)


@pytest.mark.slow
@pytest.mark.browser
def test_a_stopped_district_is_shown_stale_and_the_others_are_not(fed, browser):
    cfg = load_config(fed.folder / "national.toml")
    refresh = cfg.refresh_seconds
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        page.goto(f"http://127.0.0.1:{fed.national_port}/")
        page.wait_for_selector('[data-testid="national-districts"]', timeout=60_000)
        fed.stop("district-2900")
        stopped = time.monotonic()
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="national-districts"] tr')]
                     .some(r => r.textContent.includes('杭州海关') && r.textContent.includes('数据停滞'))""",
            timeout=(STALE_AFTER + refresh + 30) * 1000,
        )
        took = time.monotonic() - stopped
        screenshot(page, "page-national-one-district-stopped-1920x1080")
        rows = page.locator('[data-testid="national-districts"] tr').all_inner_texts()
        assert took <= STALE_AFTER + refresh, took
        for name in ("宁波海关", "广州海关"):
            (row,) = [r for r in rows if name in r]
            assert "正常" in row and "数据停滞" not in row, row
        snap = national.live(cfg.national)
        assert [d.district.code for d in snap.districts if d.stale] == ["2900"]
    finally:
        page.close()
