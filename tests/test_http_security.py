"""The app's HTTP answers as an outsider meets them: /healthz says status only
to strangers, no error carries a URL's password or query, no page can be
framed by another site, forwarded addresses count only from configured
proxies, tokens never reach a log line, and the sign-in cookie is HttpOnly,
SameSite=Strict, Secure only over TLS, and sends nobody to another site."""

from __future__ import annotations

import dataclasses
import logging
import warnings
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request

from base.clock import now_beijing
from base.config import AccessConfig, ConfigError, load_config
from collectors.http_json.source import HttpJsonSource
from collectors.runner import Schedule
from core.access import http, sessions
from core.access.headers import SecurityHeaders
from core.access.logs import TokenFilter
from core.access.roles import Viewer
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


def hand_over() -> tuple[str, str]:
    sid = sessions.start(Viewer("zhao", "duty", "password"), now_beijing(), timedelta(minutes=30))
    return sid, sessions.hand_over(sid, now_beijing())


def set_cookie(response) -> str:
    return next((v for k, v in response.headers.multi_items() if k == "set-cookie" and "cbec_session=" in v), "")


def test_the_session_cookie_is_httponly_strict_and_set_once_for_a_page_of_this_site(runtime):
    sid, ticket = hand_over()
    browser = client("10.0.0.5", follow_redirects=False)
    r = browser.get("/auth/session", params={"ticket": ticket, "next": "/alerts?lang=en"})
    assert r.status_code == 303 and r.headers["location"] == "/alerts?lang=en"
    cookie = set_cookie(r)
    flags = [f.strip().lower() for f in cookie.split(";")]
    assert flags[0] == f"cbec_session={sessions.cookie_value(sid)}".lower()
    assert {"httponly", "samesite=strict", "path=/"} <= set(flags) and "secure" not in flags, cookie
    assert not any(f.startswith(("max-age", "expires")) for f in flags), "the server keeps the idle limit"
    assert r.headers["cache-control"] == "no-store"
    # the ticket works once; a second use sets nothing
    again = browser.get("/auth/session", params={"ticket": ticket, "next": "/alerts"})
    assert again.status_code == 303 and not set_cookie(again)
    # another host is never a target, with or without a good ticket
    for target in ("https://evil.example/", "//evil.example/alerts", "/\\evil.example"):
        _, fresh = hand_over()
        away = browser.get("/auth/session", params={"ticket": fresh, "next": target})
        assert away.headers["location"] == "/", target
        end = browser.get("/auth/session/end", params={"next": target})
        assert end.headers["location"] == "/", target


def test_the_session_cookie_is_secure_only_when_a_trusted_proxy_says_tls(runtime):
    runtime.config = dataclasses.replace(
        runtime.config, access=dataclasses.replace(runtime.config.access, trusted_proxies=("127.0.0.1/32",))
    )
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    cases = [("127.0.0.1", https, True), ("127.0.0.1", {}, False), ("10.0.0.5", https, False)]
    for peer, headers, secure in cases:
        _, ticket = hand_over()
        r = client(peer, follow_redirects=False).get("/auth/session", params={"ticket": ticket}, headers=headers)
        flags = [f.strip().lower() for f in set_cookie(r).split(";")]
        assert ("secure" in flags) == secure, (peer, headers, flags)


def test_signing_out_ends_the_session_and_clears_the_cookie(runtime):
    sid, _ = hand_over()
    browser = client("10.0.0.5", follow_redirects=False)
    browser.cookies.set(sessions.COOKIE, sessions.cookie_value(sid))
    r = browser.get("/auth/session/end")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cleared = [f.strip().lower() for f in set_cookie(r).split(";")]
    assert cleared[0] in ('cbec_session=""', "cbec_session=") and "max-age=0" in cleared and "httponly" in cleared
    assert sessions.find(sessions.cookie_value(sid), now_beijing(), timedelta(minutes=30)).why == "unknown"
