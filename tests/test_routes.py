"""Who may reach the loopback-only routes, and when a wall's stream sends."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
from starlette.requests import Request

from core.access.http import from_loopback
from dashboard import routes


def request_from(host: str | None) -> Request:
    return Request(
        {"type": "http", "method": "POST", "path": "/", "headers": [], "client": (host, 5000) if host else None}
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"])
def test_loopback_in_every_spelling_is_let_in(host):
    assert from_loopback(request_from(host))


@pytest.mark.parametrize("host", ["10.0.0.5", "::ffff:10.0.0.5", "2001:db8::1", "testclient", "", None])
def test_anything_else_is_kept_out(host):
    assert not from_loopback(request_from(host))


def test_a_wall_stream_sends_a_commit_without_waiting_for_the_second_to_turn():
    store = SimpleNamespace(commits=7)
    while not 0.05 < time.time() % 1.0 < 0.2:  # the next turn is 0.8 s or more away
        time.sleep(0.01)

    async def commit_soon():
        await asyncio.sleep(0.05)
        store.commits += 1

    async def both():
        started = time.monotonic()
        await asyncio.gather(routes._next_send(store, 7), commit_soon())
        return time.monotonic() - started

    waited = asyncio.run(both())
    assert routes.PUSH_GAP_S <= waited < routes.PUSH_GAP_S + 0.15  # not the 0.8 s or more to the turn

    quiet = SimpleNamespace(commits=7)
    started = time.time()
    asyncio.run(routes._next_send(quiet, 7))  # nothing committed: the next second's figures, just after it turns
    assert int(time.time()) == int(started) + 1 and time.time() % 1.0 >= 0.05


def test_a_slow_scrape_holds_up_no_other_route(monkeypatch):
    """/metrics reads the store; while it waits on a busy one, /healthz (and every
    page and wall stream served by the same loop) still answers."""
    scraped = threading.Event()

    def slow_metrics() -> bytes:
        time.sleep(1.0)  # a store busy with a peak's batches
        scraped.set()
        return b""

    runtime = SimpleNamespace(
        config=SimpleNamespace(access=SimpleNamespace(trusted_proxies=())),
        metrics_text=slow_metrics,
        health=lambda: {"status": "ok"},
    )
    monkeypatch.setattr(routes.rt, "current", lambda: runtime)
    monkeypatch.setattr(routes.http, "metrics_refusal", lambda request, access: None)

    async def both():
        asked = time.monotonic() + 0.1  # when /healthz is asked, the scrape under way
        scrape = asyncio.create_task(routes.metrics(request_from("127.0.0.1")))
        await asyncio.sleep(0.1)
        health = await routes.healthz(request_from("127.0.0.1"))
        answered = time.monotonic() - asked
        await scrape
        return health, answered

    health, answered = asyncio.run(both())
    assert health.status_code == 200 and answered < 0.5 and scraped.is_set()
