"""The app's HTTP answers as an outsider meets them: /healthz says status only
to strangers, no error carries a URL's password or query, no page can be
framed by another site, forwarded addresses count only from configured
proxies, and tokens never reach a log line."""

from __future__ import annotations

import dataclasses
import logging
import warnings

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request

from base.config import AccessConfig, ConfigError, load_config
from collectors.http_json.source import HttpJsonSource
from collectors.runner import Schedule
from core.access import http
from core.access.headers import SecurityHeaders
from core.access.logs import TokenFilter
from core.runtime import Runtime
from dashboard.routes import routes

with warnings.catch_warnings():  # it prefers a newer HTTP client; this one is what the project pins
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def runtime(tmp_path, config):
    rt = Runtime(config, db_path=tmp_path / "secret-place" / "h.duckdb", with_collectors=False)
    fields = {"warehouse_code": "c", "used_m2": "u", "occupancy_ratio": "r"}
    url = "http://scraper:pa55word@127.0.0.1:1/occupancy?api_key=k3y"
    down = HttpJsonSource(name="wms", url=url, kind="occupancy", fields=fields)
    rt.runner.add(down, Schedule(1, 5, 10))
    rt.runner.run_once("wms")
    rt.adopt()
    yield rt
    rt.stop()


def client(host: str, **kw) -> TestClient:
    app = Starlette(routes=routes(), middleware=[Middleware(SecurityHeaders)])
    return TestClient(app, client=(host, 5000), **kw)


def test_anonymous_healthz_says_status_only_and_nothing_anywhere_carries_a_url_secret(runtime):
    outside = client("10.0.0.5").get("/healthz")
    assert outside.status_code == 200 and outside.json() == {"status": "degraded"}
    local = client("127.0.0.1").get("/healthz").json()
    assert local["collectors"]["wms"]["state"] == "error"
    body = str(local)
    assert "ConnectError" in body, "the error still says what failed"
    for secret in ("pa55word", "k3y", "secret-place"):
        assert secret not in body


def test_every_answer_forbids_framing_by_other_sites_and_sends_no_referrer(runtime):
    for path in ("/healthz", "/metrics", "/api/wall/events?screen=moon"):
        r = client("127.0.0.1").get(path)
        assert r.headers["x-frame-options"] == "SAMEORIGIN"
        assert r.headers["content-security-policy"] == "frame-ancestors 'self'"
        assert r.headers["referrer-policy"] == "no-referrer"


def request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (peer, 5000)})


def test_forwarded_addresses_count_only_from_configured_proxies():
    plain, behind = AccessConfig(), AccessConfig(trusted_proxies=("127.0.0.1/32", "10.9.0.0/16"))
    # a proxy on this host that nobody configured: its clients are not local
    assert http.from_loopback(request("127.0.0.1")) and not http.from_loopback(request("127.0.0.1", "203.0.113.7"))
    assert http.metrics_refusal(request("127.0.0.1", "203.0.113.7"), plain) is not None
    # a configured proxy: the client is the address it forwards (the nearest untrusted one)
    assert http.client_address(request("127.0.0.1", "203.0.113.7"), behind) == "203.0.113.7"
    assert http.client_address(request("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.9.1.1"), behind) == "203.0.113.7"
    assert http.metrics_refusal(request("127.0.0.1", "203.0.113.7"), behind) is not None
    assert http.metrics_refusal(request("127.0.0.1", "127.0.0.1"), behind) is None
    # anybody else's X-Forwarded-For is ignored
    assert http.client_address(request("198.51.100.2", "127.0.0.1"), behind) == "198.51.100.2"
    assert http.write_refusal(request("198.51.100.2", "127.0.0.1"), dataclasses.replace(behind, mode="demo"))


def test_trusted_proxies_are_read_from_the_configuration(tmp_path):
    good = tmp_path / "c.toml"
    good.write_text('[access]\ntrusted_proxies = ["127.0.0.1", "10.9.0.0/16"]\n', encoding="utf-8")
    assert load_config(good).access.trusted_proxies == ("127.0.0.1/32", "10.9.0.0/16")
    good.write_text('[access]\ntrusted_proxies = ["proxy.example"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="access"):
        load_config(good)


def test_tokens_and_tickets_never_reach_a_log_line(caplog):
    log = logging.getLogger("uvicorn.access")
    log.addFilter(TokenFilter())
    token = "cbk_0123456789_" + "A" * 43
    with caplog.at_level(logging.INFO):
        log.info('%s - "GET %s HTTP/1.1" 200', "127.0.0.1", f"/wall?kiosk=1&token={token}")
        log.info('"GET /api/wall/events?screen=city&ticket=t.eyJhYmMi.0123abcd HTTP/1.1" 200')
        log.info("scrape of http://u:pw@h:9100/metrics?x=1 failed")
    assert token not in caplog.text and "eyJhYmMi" not in caplog.text and "pw@" not in caplog.text
    assert "screen=city" in caplog.text
