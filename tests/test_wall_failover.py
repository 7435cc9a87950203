"""Two instances, one wall: when the primary dies the wall moves to the standby
within seconds, never shows a lower figure, and says which server it shows;
the standby takes over the notifications and hands them back when the primary
returns."""

from __future__ import annotations

import os
import re
import signal
import time

import httpx
import pytest
from browser import free_port, running_app, screenshot

from reliability.app import drill_config

pytestmark = pytest.mark.browser


def shown(page) -> tuple[str, int] | None:
    """The wall's address and released figure now; None while a page is loading."""
    try:
        text = page.locator('[data-testid="wall-released"] .s').inner_text(timeout=500)
        return page.url, int(re.sub(r"\D", "", text.split()[0]) or 0)
    except Exception:
        return None


def duty(base: str) -> dict:
    return httpx.get(f"{base}/healthz", timeout=2).json()["instance"]


def test_the_wall_fails_over_to_the_standby_and_the_standby_stands_in(tmp_path, browser):
    ports = free_port(), free_port()
    a, b = (f"http://127.0.0.1:{p}" for p in ports)
    config = drill_config(tmp_path, backfill=False, extra="takeover_seconds = 5")
    common = {"CBEC_CONFIG": str(config), "CBEC_WALL_SERVERS": f"{a},{b}"}
    primary = {**common, "CBEC_ROLE": "primary", "CBEC_PEER_URL": b, "CBEC_INSTANCE_NAME": "A"}
    standby = {**common, "CBEC_ROLE": "standby", "CBEC_PEER_URL": a, "CBEC_INSTANCE_NAME": "B"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with running_app(tmp_path / "b" / "b.duckdb", env=standby, port=ports[1]):
        with running_app(tmp_path / "a" / "a.duckdb", env=primary, port=ports[0]) as (_, proc):
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{a}/wall?kiosk=1&screen=city")
            page.wait_for_selector('[data-testid="wall-released"] .v:not(:empty)', timeout=60_000)
            assert page.locator('[data-testid="wall-server"]').inner_text() == "主用机 A"
            deadline = time.monotonic() + 20
            while not (duty(b)["peer"]["alive"] and not duty(b)["on_duty"]) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert duty(a)["on_duty"] and duty(a)["peer"]["alive"]
            assert not duty(b)["on_duty"]  # the primary answers: the standby stays quiet
            seen = [(time.monotonic(), *shown(page))]
            while time.monotonic() - seen[0][0] < 5:
                if (now := shown(page)) is not None:
                    seen.append((time.monotonic(), *now))
                time.sleep(0.2)
            os.killpg(proc.pid, signal.SIGKILL)
            killed = time.monotonic()
            while time.monotonic() - killed < 30:
                if (now := shown(page)) is not None:
                    seen.append((time.monotonic(), *now))
                    if now[0].startswith(b) and now[1] > max(v for _, u, v in seen if u.startswith(a)):
                        break
                time.sleep(0.2)
        figures = [v for _, _, v in seen]
        assert figures == sorted(figures), "a figure went backwards on the wall"
        changes = [t for (t, _, v), (_, _, before) in zip(seen[1:], seen) if v != before]
        gap = max(later - earlier for earlier, later in zip(changes, changes[1:]))
        assert seen[-1][1].startswith(b), "the wall did not move to the standby"
        assert gap <= 10, f"the wall stood still for {gap:.1f} s"
        page.locator('[data-testid="wall-server"]:has-text("备用机 B")').wait_for(timeout=5_000)
        screenshot(page, "wall-city-failed-over-1920x1080")
        deadline = time.monotonic() + 20
        while not duty(b)["on_duty"] and time.monotonic() < deadline:
            time.sleep(0.5)
        assert duty(b)["on_duty"] and duty(b)["peer"]["alive"] is False
        with running_app(tmp_path / "a" / "a.duckdb", env=primary, port=ports[0]):
            deadline = time.monotonic() + 20
            while duty(b)["on_duty"] and time.monotonic() < deadline:
                time.sleep(0.5)
            status = duty(b)
            assert not status["on_duty"] and status["peer"]["alive"]  # handed back
            assert status["spells"][-1]["end"] is not None
        page.close()
