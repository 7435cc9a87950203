"""Sign-in as a new deployment has it, in headless Chromium: the first admin
made with `cbec user add`, each role's pages, a sign-in that survives reloads
and bookmarks through its cookie, a kiosk token on a wall and its revocation
from the admin page, and the audit trail that answers who did it."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from browser import ROOT, running_app, screenshot
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PASSWORD = "night-shift-2026"


def cbec(db, *args: str, stdin: str = "") -> str:
    out = subprocess.run(
        [sys.executable, "-m", "cbec.cli", *args, "--db", str(db)],
        input=stdin, capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    return out.stdout


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    db = tmp_path_factory.mktemp("signin") / "signin.duckdb"
    accounts = (
        ("li-admin", "admin"),
        ("zhao-duty", "duty"),
        ("sun-ops", "ops"),
        ("zhou-duty", "duty"),
        ("wu-ops", "ops"),
    )
    for name, role in accounts:
        cbec(db, "user", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
    token = cbec(db, "token", "create", "保税区大厅", "--screens", "bsq").strip()
    assert re.fullmatch(r"cbk_[0-9a-f]{10}_[\w-]{40,}", token)
    with running_app(db, env={"CBEC_ACCESS": "signin"}) as (base, _):
        yield base, token


def sign_in(browser, base: str, name: str, path: str = "/"):
    """A new page at `path`, signed in there (a page load starts a new session)."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    return fill_in(page, base, name, path)


def fill_in(page, base: str, name: str, path: str = "/"):
    """Opens `path` on `page`, signs in on the form there, and waits for the page that follows."""
    page.goto(f"{base}{path}")
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=60_000)
    return page


def nav(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    return sorted(text.split("\n")[-1] for text in links.all_inner_texts())  # without the icon's name


def test_nothing_shows_before_sign_in(deployment, browser):
    base, _ = deployment
    page = browser.new_page()
    page.goto(f"{base}/wall?kiosk=1&screen=bsq")
    page.get_by_role("button", name="登录").wait_for(timeout=60_000)
    assert not page.locator(".wall").count() and not page.locator('[data-testid="stSidebarNav"]').count()
    page.close()
    # the stream refuses a page nobody signed in to; /healthz stays open, /metrics answers loopback
    assert httpx.get(f"{base}/api/wall/events?screen=bsq", timeout=5).status_code == 401
    assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
    # no other site may frame the pages (their buttons act), on the UI's own answers too
    for path in ("/", "/healthz"):
        assert httpx.get(f"{base}{path}", timeout=5).headers["content-security-policy"] == "frame-ancestors 'self'"
    assert httpx.get(f"{base}/metrics", timeout=5).status_code == 200
    refused = httpx.post(f"{base}/api/simulator/faults", json={"source_stopped": True}, timeout=5)
    assert refused.status_code == 403 and "api_token" in refused.json()["error"]


def test_a_duty_account_sees_the_live_screens_only(deployment, browser):
    base, _ = deployment
    page = sign_in(browser, base, "zhao-duty")
    assert nav(page) == sorted(["全市总览", "大屏", "现场视频", "仓库库容", "系统运行状态"])
    screenshot(page, "signin-duty-navigation")
    # the wall inside the app: its event stream takes the page's signed ticket
    page.get_by_role("link", name="大屏").click()
    page.wait_for_selector('[data-testid="wall-released"] .v:not(:empty)', timeout=60_000)
    assert re.search(r"\d", page.locator('[data-testid="wall-released"] .v').inner_text())
    page.close()
    # the alerts page's address, signed in as duty: not there
    direct = sign_in(browser, base, "zhao-duty", "/alerts")
    direct.wait_for_timeout(3000)
    assert "/alerts" not in direct.url and not direct.get_by_text("确认告警").count()
    assert nav(direct) == sorted(["全市总览", "大屏", "现场视频", "仓库库容", "系统运行状态"])
    direct.close()
    # the video page: its players fetch the cameras' segments with the page's signed ticket
    video = sign_in(browser, base, "zhao-duty", "/video")
    cells = video.locator('[data-testid="video-grid"] video')
    cells.first.wait_for(state="attached", timeout=60_000)
    deadline = time.monotonic() + 30
    while cells.first.evaluate("v => v.currentTime") < 1.0:
        assert time.monotonic() < deadline, "no camera plays for a signed-in duty officer"
        time.sleep(0.3)
    video.close()


def test_a_revoked_kiosk_token_stops_the_wall_within_one_refresh(deployment, browser):
    base, token = deployment
    wall = browser.new_page(viewport={"width": 1920, "height": 1080})
    wall.goto(f"{base}/wall?kiosk=1&screen=bsq&token={token}")
    wall.wait_for_selector('[data-testid="wall-released"] .v:not(:empty)', timeout=60_000)
    assert re.search(r"\d", wall.locator('[data-testid="wall-released"] .v').inner_text())
    assert not wall.get_by_text("Page not found").count()
    # the token is scoped to 保税区: another screen is refused, and so are its cameras
    assert httpx.get(f"{base}/api/wall/events?screen=city&ticket={token}", timeout=5).status_code == 401
    assert httpx.get(f"{base}/video/lishe/camera-1/index.m3u8?ticket={token}", timeout=5).status_code == 401
    assert httpx.get(f"{base}/video/bsq/camera-1/index.m3u8", timeout=5).status_code == 401  # anonymous
    # its own site's camera plays on the wall, fetched with the token
    deadline = time.monotonic() + 30
    while wall.locator('[data-testid="wall-video"] video').evaluate("v => v.currentTime") < 1.0:
        assert time.monotonic() < deadline, "the bsq camera does not play on the token's wall"
        time.sleep(0.3)

    admin = sign_in(browser, base, "li-admin")
    assert "账号与令牌" in nav(admin) and "审计记录" in nav(admin)
    admin.get_by_role("link", name="账号与令牌").click()
    admin.get_by_role("button", name="撤销令牌").wait_for(timeout=30_000)
    admin.wait_for_timeout(1500)  # the tables draw on a canvas
    screenshot(admin, "users-and-tokens")
    admin.get_by_role("button", name="撤销令牌").click()
    revoked = time.monotonic()
    # the banner may already show a source's delay; what counts is the revocation replacing it
    banner = wall.locator('[data-testid="stale-banner"]', has_text="访问已撤销")
    banner.wait_for(state="visible", timeout=(5 + 5) * 1000)  # one refresh, and a second of slack
    took = time.monotonic() - revoked
    assert wall.locator('[data-testid="wall-released"] .v').inner_text() == "—"
    assert not wall.locator(".wall .panel").count()
    screenshot(wall, "wall-token-revoked-1920x1080")
    assert took <= 5 + 5, f"the wall showed data {took:.1f} s after the revocation"

    # the audit trail answers who revoked it, and when
    admin.get_by_role("link", name="审计记录").click()
    admin.get_by_text("条记录").wait_for(timeout=30_000)
    admin.wait_for_timeout(1500)  # the table draws on a canvas
    screenshot(admin, "audit-trail")
    wall.close()
    admin.close()


def pick(page, box, option: str) -> None:
    """Chooses from a dropdown; opens it again if a rerun of the page closed it first."""
    for attempt in range(3):
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            return
        except Exception:
            if attempt == 2:
                raise


def change_account(admin, base: str, name: str, *, role: str = "", disable: bool = False) -> None:
    """On the admin's page: the change form, for `name`: a new role, or disabled;
    returns once the accounts table shows the change."""
    admin.get_by_role("link", name="账号与令牌").click()  # a page load would start a new session
    # the last change's note goes with the new run: a note still shown would answer for this change
    admin.get_by_text("已记录。").wait_for(state="detached", timeout=30_000)
    admin.get_by_role("button", name="保存角色或密码").wait_for(timeout=30_000)
    form = admin.locator('[data-testid="stForm"]').filter(has_text="修改账号")
    pick(admin, form.locator('[data-testid="stSelectbox"]').nth(0), name)
    if role:
        pick(admin, form.locator('[data-testid="stSelectbox"]').nth(1), role)
    form.get_by_role("button", name="停用" if disable else "保存角色或密码").click()
    admin.get_by_text("已记录。").wait_for(timeout=30_000)
    row = admin.locator('[data-testid="account-table"] tr').filter(has=admin.get_by_role("cell", name=name, exact=True))
    column, shown = (2, "是") if disable else (1, role)
    expect(row.locator("td").nth(column)).to_have_text(shown, timeout=10_000)


def stream_ticket_of(page) -> str:
    """The ticket the page's wall stream sends, from the request the page makes."""
    with page.expect_request(lambda r: "/api/wall/events" in r.url, timeout=60_000) as req:
        page.get_by_role("link", name="大屏").click()
    return parse_qs(urlparse(req.value.url).query)["ticket"][0]


def test_a_demoted_then_disabled_account_loses_its_open_session_at_once(deployment, browser):
    base, _ = deployment
    ops = sign_in(browser, base, "sun-ops")
    ops.get_by_role("link", name="采集与数据源").click()
    ops.get_by_role("heading", name="采集与数据源").wait_for(timeout=60_000)
    assert "采集与数据源" in nav(ops) and "告警" in nav(ops)
    admin = sign_in(browser, base, "li-admin")
    ops.evaluate("() => { window.before_the_change = true; }")  # gone with a new page load
    change_account(admin, base, "sun-ops", role="值班")
    # the open page narrows to duty without a sign-in: the ops pages go, and it loads the overview
    ops.wait_for_function(
        "() => { const links = [...document.querySelectorAll('[data-testid=stSidebarNav] a')];"
        " return links.some(a => a.innerText.includes('全市总览'))"
        " && !links.some(a => a.innerText.includes('采集与数据源')); }",
        timeout=15_000,
    )
    assert nav(ops) == sorted(["全市总览", "大屏", "现场视频", "仓库库容", "系统运行状态"])
    ops.wait_for_function("() => window.before_the_change === undefined", timeout=15_000)
    assert ops.url == f"{base}/"
    ops.get_by_role("heading", name="采集与数据源").wait_for(state="detached", timeout=10_000)
    screenshot(ops, "session-narrowed-to-duty")
    change_account(admin, base, "sun-ops", disable=True)
    try:
        ops.get_by_role("button", name="登录").wait_for(timeout=15_000)
    except PlaywrightTimeout:
        shown = ops.inner_text("body")[:1500]
        markup = ops.content()[:1500]
        pytest.fail(f"the disabled account's page at {ops.url} still shows {shown!r}; its markup: {markup!r}")
    ops.get_by_text("已被停用或修改", exact=False).wait_for(timeout=10_000)
    assert not [c for c in ops.context.cookies() if c["name"] == "cbec_session"], "the ended session's cookie stayed"
    ops.get_by_text("sun-ops · 值班").wait_for(state="detached", timeout=10_000)  # gone once the run ends
    screenshot(ops, "session-ended-account-disabled")
    ops.close()
    admin.close()


def events_status(base: str, ticket: str) -> int:
    with httpx.stream("GET", f"{base}/api/wall/events", params={"screen": "city", "ticket": ticket}, timeout=10) as r:
        return r.status_code


def test_a_stream_ticket_stops_with_sign_out_and_with_a_disabled_account(deployment, browser):
    base, _ = deployment
    page = sign_in(browser, base, "zhou-duty")
    ticket = stream_ticket_of(page)
    assert events_status(base, ticket) == 200
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="登录").wait_for(timeout=30_000)
    deadline = time.monotonic() + 10  # the sign-out's own run may still be finishing on the server
    while events_status(base, ticket) != 401 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert events_status(base, ticket) == 401, "a ticket outlived its signed-out session"
    page.close()

    page = sign_in(browser, base, "zhou-duty")
    ticket = stream_ticket_of(page)
    with httpx.stream("GET", f"{base}/api/wall/events", params={"screen": "city", "ticket": ticket}, timeout=20) as r:
        assert r.status_code == 200
        admin = sign_in(browser, base, "li-admin")
        change_account(admin, base, "zhou-duty", disable=True)
        # the open stream says so and ends at its next check
        assert "event: denied" in "".join(r.iter_text())
    assert events_status(base, ticket) == 401
    admin.close()
    page.close()


DUTY_PAGES = sorted(["全市总览", "大屏", "现场视频", "仓库库容", "系统运行状态"])


def session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == "cbec_session"), None)


def shows_page_without_form(page, heading: str) -> None:
    page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
    assert not page.get_by_role("button", name="登录", exact=True).count(), "the sign-in form came back"


def test_a_sign_in_survives_reload_and_bookmarks_and_lands_on_the_page_asked_for(deployment, browser):
    base, _ = deployment
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = fill_in(context.new_page(), base, "zhao-duty", "/warehouses?lang=zh")
    # the page asked for, not the overview
    shows_page_without_form(page, "仓库库容")
    assert urlparse(page.url).path == "/warehouses", page.url
    cookie = session_cookie(context)
    assert cookie, "no session cookie after sign-in"
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]  # plain HTTP here
    assert cookie["path"] == "/" and cookie["expires"] == -1, "a browser-session cookie; the server keeps the limit"
    assert "zhao" not in cookie["value"] and PASSWORD not in cookie["value"]
    assert page.evaluate("document.cookie").find("cbec_session") == -1, "scripts cannot read it"
    page.reload()
    shows_page_without_form(page, "仓库库容")
    assert nav(page) == DUTY_PAGES
    # a bookmark opened in another page of the same browser
    other = context.new_page()
    other.goto(f"{base}/system-health")
    shows_page_without_form(other, "系统运行状态")
    assert any("zhao-duty · 值班" in c for c in other.locator('[data-testid="stSidebar"]').all_inner_texts())
    screenshot(other, "signin-bookmark-opens-without-form")
    # a forged or tampered cookie opens nothing
    stranger = browser.new_context()
    host = urlparse(base).hostname
    forged = {"name": "cbec_session", "domain": host, "path": "/", "httpOnly": True, "sameSite": "Strict"}
    sid, _, signature = cookie["value"].partition(".")
    for value in (f"{sid}.{'0' * len(signature)}", f"{sid[:-1]}{'A' if sid[-1] != 'A' else 'B'}.{signature}"):
        stranger.clear_cookies()
        stranger.add_cookies([{**forged, "value": value}])
        tampered = stranger.new_page()
        tampered.goto(f"{base}/warehouses")
        tampered.get_by_role("button", name="登录", exact=True).wait_for(timeout=60_000)
        assert not tampered.locator('[data-testid="stSidebarNav"]').count()
        tampered.close()
    stranger.close()
    # sign-out ends it on the server and in the browser: the other page's next load asks again
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="登录", exact=True).wait_for(timeout=30_000)
    assert session_cookie(context) is None, "the cookie outlived the sign-out in the browser"
    context.add_cookies([{**forged, "value": cookie["value"]}])  # as if a copy had been kept
    other.goto(f"{base}/system-health")
    other.get_by_role("button", name="登录", exact=True).wait_for(timeout=60_000)
    screenshot(other, "signin-after-sign-out")
    context.close()


def test_a_demoted_accounts_cookie_no_longer_opens_its_pages(deployment, browser):
    base, _ = deployment
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    ops = fill_in(context.new_page(), base, "wu-ops", "/collectors")
    ops.get_by_role("heading", name="采集与数据源").wait_for(timeout=60_000)
    assert urlparse(ops.url).path == "/collectors"
    ops.close()
    admin = sign_in(browser, base, "li-admin")
    change_account(admin, base, "wu-ops", role="值班")
    # the cookie still names the session, which now has duty's pages only
    again = context.new_page()
    again.goto(f"{base}/collectors")
    again.locator('[data-testid="stSidebarNav"]').wait_for(timeout=60_000)
    again.wait_for_timeout(2000)
    assert not again.get_by_role("heading", name="采集与数据源").count() and "/collectors" not in again.url
    assert nav(again) == DUTY_PAGES
    again.close()
    change_account(admin, base, "wu-ops", disable=True)
    last = context.new_page()
    last.goto(f"{base}/warehouses")
    last.get_by_role("button", name="登录", exact=True).wait_for(timeout=60_000)
    assert not last.locator('[data-testid="stSidebarNav"]').count()
    admin.close()
    context.close()
