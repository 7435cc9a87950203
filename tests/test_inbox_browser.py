"""The exchange inbox as a duty officer meets it: CEB files of every family
dropped into the running app's inbox show up on the overview and the city wall,
net of cancellations and returns and with their tax, in headless Chromium."""

from __future__ import annotations

import re
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from browser import running_app, screenshot

from base.clock import now_beijing
from base.config import load_config
from collectors.ceb.inbox import InboxSource
from core import netline
from core.runtime import Runtime
from queries import read

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "ceb"
CASES = ("cancel_after_release", "partial_return", "tax_voided_after_cancellation", "format_rejects")
STAMP = re.compile(r"(<(?:ceb:)?(?:appTime|returnTime)>)(\d{14})(\d{3})?(<)")


def night_of_today(folder: Path, now: datetime) -> None:
    """The golden cases' night (2019-11-11, 00:00 to about 07:00) moved into the last
    half hour before `now`, in the same order, so today's figures count all of it."""
    stamps = [
        datetime.strptime(m.group(2), "%Y%m%d%H%M%S")
        for case in CASES
        for f in (GOLDEN / case).glob("*.xml")
        for m in STAMP.finditer(f.read_text(encoding="utf-8"))
    ]
    first, last = min(stamps), max(stamps)
    base = max(now.replace(hour=0, minute=0, second=0, microsecond=0), now - timedelta(minutes=30))
    scale = (now - timedelta(seconds=30) - base) / (last - first)

    def moved(m: re.Match) -> str:
        at = base + (datetime.strptime(m.group(2), "%Y%m%d%H%M%S") - first) * scale
        return m.group(1) + at.strftime("%Y%m%d%H%M%S") + ("000" if m.group(3) else "") + m.group(4)

    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        for f in sorted((GOLDEN / case).glob("*.xml")):
            (folder / f"{case}-{f.name}").write_text(STAMP.sub(moved, f.read_text(encoding="utf-8")), encoding="utf-8")


def inbox_only_config(tmp_path: Path, inbox: Path) -> Path:
    """The shipped configuration with the simulator off and the inbox on, reading `inbox`."""
    text = (ROOT / "assets" / "config" / "cbec.toml").read_text(encoding="utf-8")
    text = text.replace(
        'name = "simulator"\nkind = "simulator"\n', 'name = "simulator"\nkind = "simulator"\nenabled = false\n'
    )
    text = re.sub(
        r'(name = "ceb_inbox"\nkind = "ceb_inbox"\n)enabled = false\ninbox = "[^"]*"',
        lambda m: f'{m.group(1)}enabled = true\ninbox = "{inbox}"',
        text,
    )
    assert f'inbox = "{inbox}"' in text and "enabled = false\n" in text.split('name = "ceb_inbox"')[0]
    path = tmp_path / "cbec.toml"
    path.write_text(text, encoding="utf-8")
    return path


def expected_lines(tmp_path: Path, night: Path, config_path: Path, now: datetime) -> dict[str, str]:
    """What the screens should say, from the same files ingested into a store of their own."""
    copy = tmp_path / "expected-inbox"
    shutil.copytree(night, copy)
    config = load_config(config_path)
    rt = Runtime(config, db_path=tmp_path / "expected.duckdb", with_collectors=False)
    try:
        InboxSource("expected", copy, config.category_for_hs, figures_seconds=None).collect(rt.sink)
        with rt.store.reading() as con:
            net = read.net(con, now.replace(hour=0, minute=0, second=0, microsecond=0), now + timedelta(minutes=5))
    finally:
        rt.stop()
    a = net.adjustments
    assert net.released_lists >= 3 and a.cancelled_lists >= 1 and a.returned_value > 0 and a.tax_voided > 0
    parts = netline.parts(net, "zh")
    return {"line": netline.line(net, "zh"), "lists": parts["lists"], "value": parts["value"], "tax": parts["tax"]}


def test_files_dropped_into_the_inbox_show_net_and_tax_on_the_overview_and_the_wall(tmp_path, browser):
    now = now_beijing()
    if now.hour == 0 and now.minute < 2:  # the night must fit into today before now
        time.sleep(120)
        now = now_beijing()
    night, inbox = tmp_path / "night", tmp_path / "inbox"
    night_of_today(night, now)
    config = inbox_only_config(tmp_path, inbox)
    expected = expected_lines(tmp_path, night, config, now)
    with running_app(tmp_path / "inbox.duckdb", env={"CBEC_CONFIG": str(config)}) as (base, _):
        inbox.mkdir(exist_ok=True)
        for f in sorted(night.glob("*.xml")):  # one file at a time, as the exchange delivers them
            shutil.copy(f, inbox / f".{f.name}.part")
            (inbox / f".{f.name}.part").rename(inbox / f.name)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(base)
        line = page.locator('[data-testid="net-line"]')
        line.filter(has_text=expected["line"]).wait_for(timeout=60_000)
        assert line.inner_text().strip() == expected["line"]
        screenshot(page, "overview-inbox-net-1920x1080")
        wall = browser.new_page(viewport={"width": 1920, "height": 1080})
        wall.goto(f"{base}/wall?kiosk=1&screen=city")
        net_lists = wall.locator('[data-testid="wall-net-lists"]')
        net_lists.filter(has_text=expected["lists"]).wait_for(timeout=60_000)
        assert net_lists.inner_text() == expected["lists"]
        assert wall.locator('[data-testid="wall-net-value"]').inner_text() == expected["value"]
        assert wall.locator('[data-testid="wall-tax"]').inner_text() == expected["tax"]
        wall.wait_for_selector(".wall .panel", timeout=60_000)
        screenshot(wall, "wall-city-inbox-net-1920x1080")
        page.close()
        wall.close()
    left = [p.name for p in inbox.iterdir() if p.is_file()]
    assert left == [], f"not ingested: {left}"
    quarantined = list((inbox / "quarantine").glob("*.xml")) if (inbox / "quarantine").exists() else []
    assert quarantined == []
