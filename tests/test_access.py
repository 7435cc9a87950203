"""Access control: the role x page and role x action matrices (every cell),
passwords and lockout, kiosk tokens, session expiry under a fake clock, who may
call /metrics and the write endpoints, and the audit record of each act."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from base.config import AccessConfig
from collectors.records import make_batch
from core.access import accounts, audit, guard, http, passwords, sessions, tickets, tokens
from core.access.roles import ACTIONS, KIOSK, PAGES, ROLES, Forbidden, Viewer, may_open, role_from_claims
from core.text import TEXT
from queries.store import Store

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 11, 9, 0)
PASSWORD = "night-shift-2026"

# who opens what: written out cell by cell, not derived from the code under test
PAGE_MATRIX = {
    "duty": {"overview", "wall", "video", "warehouses", "system_health", "national"},
    "leader": {"overview", "wall", "video", "warehouses", "system_health", "report", "national", "national_report"},
    "ops": {
        "overview",
        "wall",
        "video",
        "warehouses",
        "system_health",
        "report",
        "alerts",
        "collectors",
        "national",
        "national_report",
    },
    "admin": set(PAGES),
    KIOSK: {"wall"},
}
ACTION_MATRIX = {
    "duty": set(),
    "leader": {"report.export"},
    "ops": {"report.export", "alert.ack", "alert.silence", "alert.rule_edit", "simulator.fault"},
    "admin": set(ACTIONS),
    KIOSK: set(),
}
CLI = Viewer("cli:test", "admin", "cli", "cli")


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "access.duckdb")
    yield s
    s.close()


def events(store, **filters) -> list[tuple]:
    with store.reading() as con:
        df = audit.events(con, **filters)
    return list(df[["actor", "action", "target", "outcome"]].itertuples(index=False, name=None))


@pytest.mark.parametrize("role", [*ROLES, KIOSK])
@pytest.mark.parametrize("page", list(PAGES))
def test_each_role_opens_exactly_its_pages(role, page):
    assert may_open(role, page) == (page in PAGE_MATRIX[role])


def accounts_stored(store) -> int:
    with store.reading() as con:
        return con.execute("SELECT count(*) FROM account").fetchone()[0]


@pytest.mark.parametrize("role", [*ROLES, KIOSK])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_role_takes_exactly_its_actions_and_a_refusal_changes_nothing(store, role, action):
    viewer = Viewer(f"someone-{role}", role, "api", "10.1.2.3")
    before = accounts_stored(store)

    def change(con):
        con.execute("INSERT INTO account VALUES (?, 'duty', 'x', false, 0, NULL, ?, ?)", [f"made-by-{role}", NOW, NOW])

    if action in ACTION_MATRIX[role]:
        guard.perform(store, viewer, action, "target:x", NOW, change)
        assert accounts_stored(store) == before + 1
        assert events(store, actor=viewer.name) == [(viewer.name, action, "target:x", "ok")]
    else:
        with pytest.raises(Forbidden, match=f"may not {action}"):
            guard.perform(store, viewer, action, "target:x", NOW, change)
        assert accounts_stored(store) == before, "a refused action changed something"
        assert events(store, actor=viewer.name) == [(viewer.name, action, "target:x", "denied")]


def test_a_failed_change_is_not_recorded_as_done(store):
    def change(con):
        con.execute("INSERT INTO account VALUES ('half', 'duty', 'x', false, 0, NULL, ?, ?)", [NOW, NOW])
        raise ValueError("the second half failed")

    with pytest.raises(ValueError):
        guard.perform(store, CLI, "user.manage", "user:half", NOW, change)
    assert accounts_stored(store) == 0 and events(store) == []


def test_passwords_are_salted_slow_hashes_never_the_password():
    a, b = passwords.hash_password(PASSWORD), passwords.hash_password(PASSWORD)
    assert a != b and a.startswith("$argon2id$") and PASSWORD not in a
    assert passwords.verify(a, PASSWORD) and not passwords.verify(a, PASSWORD + "x")
    with pytest.raises(passwords.WeakPassword):
        passwords.check_strength("short")


def test_the_collectors_keep_writing_after_sign_ins_and_account_changes(store, sink):
    """Each of these reads a row on the writer connection; DuckDB holds a row
    left unread against the next batch's table, which failed the collectors."""
    accounts.add(store, CLI, "wang", "admin", PASSWORD, NOW)
    health = {"site_code": ["BSQ"], "component": ["eport_link"], "kind": ["link"], "metric": ["up"], "value": [1.0]}
    steps = [
        lambda: accounts.sign_in(store, "wang", PASSWORD, NOW, "10.0.0.9"),
        lambda: accounts.add(store, CLI, "sun", "ops", PASSWORD, NOW),
        lambda: accounts.set_role(store, CLI, "sun", "duty", NOW),
        lambda: tokens.create(store, CLI, "大厅", ["bsq"], ["city", "bsq"], NOW),
    ]
    for k, step in enumerate(steps):
        step()
        at = NOW + timedelta(minutes=k)
        sink.write(make_batch("health", {"sampled_at": [at], **health}, "test"))
    with store.reading() as con:
        assert con.execute("SELECT count(*) FROM health_sample").fetchall() == [(len(steps),)]


def test_repeated_failures_hold_back_that_address_not_the_account(store):
    accounts.add(store, CLI, "wang", "admin", PASSWORD, NOW)
    policy = accounts.Policy(max_failures=5, lockout=timedelta(minutes=15))
    for k in range(5):
        with pytest.raises(accounts.SignInFailed, match="^wrong name or password$"):
            accounts.sign_in(store, "wang", f"guess-{k}-guess", NOW + timedelta(seconds=k), "10.6.6.6", policy)
    # held back from the guessing address, even with the right password, and saying nothing more
    with pytest.raises(accounts.SignInFailed, match="^wrong name or password$"):
        accounts.sign_in(store, "wang", PASSWORD, NOW + timedelta(minutes=1), "10.6.6.6", policy)
    # the admin at their own desk still gets in: a guesser cannot lock them out
    viewer = accounts.sign_in(store, "wang", PASSWORD, NOW + timedelta(minutes=2), "10.0.0.9", policy)
    assert (viewer.name, viewer.role, viewer.source) == ("wang", "admin", "10.0.0.9")
    accounts.sign_in(store, "wang", PASSWORD, NOW + timedelta(minutes=16), "10.6.6.6", policy)
    outcomes = [o for *_, o in events(store, action="signin")][::-1]
    assert outcomes == ["failed"] * 6 + ["ok", "ok"]
    with store.reading() as con:
        details = list(audit.events(con, action="signin")["detail"])[::-1]
    assert "held until 09:15" in details[4] and details[5].startswith("held back from 10.6.6.6")


def test_every_sign_in_failure_reads_the_same_and_checks_a_hash(store, monkeypatch):
    accounts.add(store, CLI, "wang", "ops", PASSWORD, NOW)
    accounts.add(store, CLI, "off", "ops", PASSWORD, NOW)
    accounts.set_disabled(store, CLI, "off", True, NOW)
    checked: list[str] = []
    real = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda h, p: checked.append(h) or real(h, p))
    messages = set()
    for name, password in (("nobody", PASSWORD), ("wang", "wrong-password-1"), ("off", PASSWORD)):
        with pytest.raises(accounts.SignInFailed) as e:
            accounts.sign_in(store, name, password, NOW, "10.0.0.9")
        messages.add(str(e.value))
    assert messages == {"wrong name or password"} and len(checked) == 3


def test_a_wrong_name_reads_like_a_wrong_password_but_the_audit_says_which(store):
    accounts.add(store, CLI, "wang", "ops", PASSWORD, NOW)
    with pytest.raises(accounts.SignInFailed, match="wrong name or password"):
        accounts.sign_in(store, "nobody", PASSWORD, NOW, "10.0.0.9")
    with store.reading() as con:
        assert audit.events(con, action="signin")["detail"][0].startswith("no such account")


def test_a_disabled_account_cannot_sign_in_and_the_last_admin_stays(store):
    accounts.add(store, CLI, "root-admin", "admin", PASSWORD, NOW)
    accounts.add(store, CLI, "li", "duty", PASSWORD, NOW)
    accounts.set_disabled(store, CLI, "li", True, NOW)
    with pytest.raises(accounts.SignInFailed, match="wrong name or password"):
        accounts.sign_in(store, "li", PASSWORD, NOW, "")
    with pytest.raises(accounts.AccountError, match="last admin"):
        accounts.set_disabled(store, CLI, "root-admin", True, NOW)
    with pytest.raises(accounts.AccountError, match="last admin"):
        accounts.set_role(store, CLI, "root-admin", "ops", NOW)


def test_kiosk_tokens_are_scoped_stored_hashed_and_revocable(store):
    token = tokens.create(store, CLI, "保税区大厅", ["bsq", "city"], ["city", "bsq", "hzw"], NOW)
    with store.reading() as con:
        viewer = tokens.viewer_for(con, token, "10.9.9.9")
        stored = con.execute("SELECT secret_hash FROM kiosk_token").fetchone()[0]
        assert tokens.viewer_for(con, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert token.split("_")[-1] not in stored
    assert viewer.role == KIOSK and set(viewer.screens) == {"bsq", "city"}
    assert http.may_stream(viewer, "bsq") and not http.may_stream(viewer, "hzw")
    assert may_open(viewer.role, "wall") and not may_open(viewer.role, "overview")
    tokens.revoke(store, CLI, viewer.token_id, NOW)
    with store.reading() as con:
        assert tokens.viewer_for(con, token) is None
    assert [a for _, a, _, _ in events(store)] == ["token.manage", "token.manage"]
    with pytest.raises(tokens.TokenError, match="screens"):
        tokens.create(store, CLI, "x", ["moon"], ["city"], NOW)


def test_stream_tickets_cannot_be_forged_and_expire():
    ticket = tickets.issue(Viewer("zhao", "duty", "password"), NOW, tickets.new_session())
    assert tickets.read(ticket, NOW + timedelta(minutes=9)).name == "zhao"
    assert tickets.read(ticket, NOW + tickets.LIFETIME + timedelta(seconds=1)) is None
    head, payload, sig = ticket.split(".")
    forged = tickets.issue(Viewer("zhao", "admin", "password"), NOW, tickets.new_session()).split(".")[1]
    assert tickets.read(f"{head}.{forged}.{sig}", NOW) is None


def test_a_demoted_or_disabled_account_acts_with_what_it_has_now(store):
    accounts.add(store, CLI, "sun", "ops", PASSWORD, NOW)
    accounts.add(store, CLI, "zhao", "admin", PASSWORD, NOW)
    sun = accounts.sign_in(store, "sun", PASSWORD, NOW, "10.0.0.9")
    admin = accounts.sign_in(store, "zhao", PASSWORD, NOW, "10.0.0.8")
    guard.perform(store, sun, "alert.ack", "alert:x", NOW, lambda con: None)
    accounts.set_role(store, CLI, "sun", "duty", NOW)
    with pytest.raises(Forbidden, match=r"sun \(duty\) may not alert.ack"):
        guard.perform(store, sun, "alert.ack", "alert:x", NOW, lambda con: None)
    with store.reading() as con:
        roles = list(audit.events(con, actor="sun", action="alert.ack")["role"])
    assert sorted(roles) == ["duty", "ops"], "the refusal is recorded with the role the account has now"
    # a demoted admin loses user.manage at once
    accounts.add(store, CLI, "qian", "admin", PASSWORD, NOW)
    accounts.set_role(store, CLI, "zhao", "leader", NOW)
    with pytest.raises(Forbidden):
        accounts.set_role(store, admin, "sun", "admin", NOW)
    # disabled, or a new password: the session acts no more whatever its role
    qian = accounts.sign_in(store, "qian", PASSWORD, NOW, "")
    accounts.set_password(store, CLI, "qian", PASSWORD + "-new", NOW)
    with pytest.raises(Forbidden, match="session ended"):
        accounts.set_disabled(store, qian, "sun", True, NOW)
    accounts.set_disabled(store, CLI, "sun", True, NOW)
    accounts.set_role(store, CLI, "sun", "admin", NOW)
    with pytest.raises(Forbidden, match="session ended"):
        guard.perform(store, sun, "alert.ack", "alert:x", NOW, lambda con: None)


def test_a_stream_ticket_ends_with_its_session_and_its_account(store):
    accounts.add(store, CLI, "zhao", "duty", PASSWORD, NOW)
    zhao = accounts.sign_in(store, "zhao", PASSWORD, NOW, "10.0.0.9")
    signin = AccessConfig(mode="signin")
    session = tickets.new_session()
    ticket = tickets.issue(zhao, NOW, session)
    assert http.stream_viewer(store.reading, ticket, signin, NOW, "").name == "zhao"
    # the account disabled: the same ticket is refused at the stream's next check
    accounts.set_disabled(store, CLI, "zhao", True, NOW)
    assert http.stream_viewer(store.reading, ticket, signin, NOW, "") is None
    accounts.set_disabled(store, CLI, "zhao", False, NOW)
    assert http.stream_viewer(store.reading, ticket, signin, NOW, "") is not None
    # its session signed out: refused, though the ticket has not expired
    tickets.end_session(session)
    assert http.stream_viewer(store.reading, ticket, signin, NOW, "") is None


IDLE = timedelta(minutes=30)


def test_a_session_cookie_names_a_server_session_and_is_refused_forged_tampered_or_idle():
    zhao = Viewer("zhao", "duty", "password", stamp="abc")
    sid = sessions.start(zhao, NOW, IDLE)
    cookie = sessions.cookie_value(sid)
    assert "zhao" not in cookie and "duty" not in cookie, "the cookie says nothing about who"
    assert sessions.find(cookie, NOW + timedelta(minutes=29), IDLE).viewer == zhao
    # activity slides the limit
    assert sessions.touch(sid, zhao, NOW + timedelta(minutes=29))
    assert sessions.find(cookie, NOW + timedelta(minutes=58), IDLE).why == ""
    # forged (a signature of another key) and tampered (another id under a real signature)
    sig = cookie.partition(".")[2]
    other = sessions.start(zhao, NOW, IDLE)
    assert sessions.find(f"{other}.{sig}", NOW, IDLE).why == "forged"
    assert sessions.find(f"{sid}.{'0' * len(sig)}", NOW, IDLE).why == "forged"
    assert sessions.find("", NOW, IDLE).why == "forged" and sessions.find(sid, NOW, IDLE).why == "forged"
    # idle past the limit: refused, and ended once for all
    late = NOW + timedelta(minutes=58) + IDLE + timedelta(seconds=1)
    assert sessions.find(cookie, late, IDLE).why == "idle"
    assert sessions.find(cookie, NOW, IDLE).why == "unknown", "an idle session does not come back"
    # ended: every page of it, and the stream tickets it named
    ticket = tickets.issue(zhao, NOW, other)
    assert sessions.end(other) == zhao
    assert sessions.find(sessions.cookie_value(other), NOW, IDLE).why == "unknown"
    assert tickets.read(ticket, NOW) is None


def test_a_hand_over_ticket_works_once_briefly_and_only_for_a_live_session():
    sid = sessions.start(Viewer("zhao", "duty", "password"), NOW, IDLE)
    ticket = sessions.hand_over(sid, NOW)
    assert sessions.redeem(ticket, NOW + timedelta(seconds=5)) == sid
    assert sessions.redeem(ticket, NOW + timedelta(seconds=6)) is None, "used twice"
    late = sessions.hand_over(sid, NOW)
    assert sessions.redeem(late, NOW + sessions.HANDOVER + timedelta(seconds=1)) is None
    ended = sessions.hand_over(sid, NOW)
    sessions.end(sid)
    assert sessions.redeem(ended, NOW) is None
    assert sessions.redeem("made-up", NOW) is None


@pytest.mark.parametrize(
    "target,lands",
    [
        ("/alerts", "/alerts"),
        ("/wall?screen=bsq&kiosk=1", "/wall?screen=bsq&kiosk=1"),
        ("/system-health?lang=en&token=cbk_x", "/system-health?lang=en"),
        ("/", "/"),
        ("https://evil.example/alerts", "/"),
        ("//evil.example/alerts", "/"),
        ("/\\evil.example", "/"),
        ("\\evil.example", "/"),
        ("http:/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/alerts/../../evil", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("/api/wall/events", "/"),
        ("/metrics", "/"),
        ("/alerts\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
    ],
)
def test_after_sign_in_only_a_page_of_this_site_is_a_target(target, lands):
    assert sessions.safe_next(target) == lands


def test_oidc_roles_come_from_a_claim():
    mapping = {"cbec-duty": "duty", "cbec-ops": "ops"}
    assert role_from_claims({"groups": ["staff", "cbec-duty", "cbec-ops"]}, "groups", mapping) == "ops"
    assert role_from_claims({"groups": "cbec-duty"}, "groups", mapping) == "duty"
    assert role_from_claims({"groups": ["staff"]}, "groups", mapping) is None
    assert role_from_claims({}, "groups", mapping) is None


def request(host: str, token: str | None = None) -> Request:
    headers = [(b"authorization", f"Bearer {token}".encode())] if token else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (host, 5000)})


def test_metrics_answer_loopback_and_elsewhere_only_the_configured_bearer(monkeypatch):
    open_ = AccessConfig()
    assert http.metrics_refusal(request("127.0.0.1"), open_) is None
    assert "loopback only" in http.metrics_refusal(request("10.0.0.5"), open_)
    monkeypatch.setenv("CBEC_METRICS_TOKEN", "s3cret-scrape")
    with_token = AccessConfig(metrics_token="${CBEC_METRICS_TOKEN}")
    assert http.metrics_refusal(request("10.0.0.5", "s3cret-scrape"), with_token) is None
    assert "bearer" in http.metrics_refusal(request("10.0.0.5", "wrong"), with_token)
    assert "bearer" in http.metrics_refusal(request("10.0.0.5"), with_token)


def test_write_endpoints_need_the_api_token_outside_the_local_demo(monkeypatch):
    demo, signin = AccessConfig(mode="demo"), AccessConfig(mode="signin")
    assert http.write_refusal(request("127.0.0.1"), demo) is None  # the demo's own drills
    assert http.write_refusal(request("10.0.0.5"), demo) is not None
    assert "api_token" in http.write_refusal(request("127.0.0.1"), signin)
    monkeypatch.setenv("CBEC_API_TOKEN", "s3cret-write")
    guarded = AccessConfig(mode="signin", api_token="${CBEC_API_TOKEN}")
    assert http.write_refusal(request("10.0.0.5", "s3cret-write"), guarded) is None
    assert http.write_refusal(request("127.0.0.1", "nope"), guarded) is not None
    assert http.write_refusal(request("127.0.0.1"), dataclasses.replace(guarded, mode="demo")) is not None


def test_xsrf_protection_stays_on():
    from streamlit import config as st_config

    assert "enableXsrfProtection" not in (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert st_config.get_option("server.enableXsrfProtection") is True


# -- the pages, as a browser session sees them (AppTest) -------------------------


@pytest.fixture
def signin_runtime(promo_runtime):
    promo_runtime.config = dataclasses.replace(
        promo_runtime.config, access=AccessConfig(mode="signin", idle_minutes=30)
    )
    for name, role in (("zhao", "duty"), ("qian", "leader"), ("sun", "ops"), ("li", "admin")):
        accounts.add(promo_runtime.store, CLI, name, role, PASSWORD, NOW)
    return promo_runtime


def signed_in(name: str, clock) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
    at.run()
    at.text_input[0].input(name)
    at.text_input[1].input(PASSWORD)
    at.button[0].click()
    at.run()
    # signed in: this run sends the browser for its cookie and stops; the next shows the page
    assert any(c.value == TEXT["signin_opening"][0] for c in at.caption), [e.value for e in at.error]
    return at.run()


@pytest.fixture
def fake_clock(monkeypatch):
    from dashboard import access

    now = {"t": NOW}
    monkeypatch.setattr(access, "clock", lambda: now["t"])
    return now


PAGE_FILES = {p: f"app_pages/{p}.py" for p in PAGES}


@pytest.mark.parametrize("name,role", [("zhao", "duty"), ("qian", "leader"), ("sun", "ops"), ("li", "admin")])
def test_each_account_sees_exactly_its_pages_and_others_are_refused_on_the_server(
    signin_runtime, fake_clock, name, role
):
    at = signed_in(name, fake_clock)
    assert not at.exception, at.exception
    assert any(f"{name} ·" in c.value for c in at.sidebar.caption), "the sidebar says who is signed in"
    for page, path in PAGE_FILES.items():
        if page == "wall":
            continue  # a custom component; covered in the browser
        if page.startswith("national"):
            continue  # the national mode's pages, not in a district's navigation (tests/test_national.py)
        if page in PAGE_MATRIX[role]:
            at.switch_page(path).run()
            assert not at.exception and not at.error, (page, at.exception, [e.value for e in at.error])
            continue
        # not in this session's navigation at all...
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(path)
        # ...and the page itself refuses the session when its script is run anyway
        direct = AppTest.from_file(str(ROOT / "dashboard" / path), default_timeout=60)
        direct.session_state["viewer"] = Viewer(name, role, "password")
        direct.run()
        assert any("无权打开此页面" in e.value for e in direct.error), f"{role} opened {page}"
        assert not direct.dataframe and not direct.table
        assert all(h.proto.body.lstrip().startswith("<style>") for h in direct.get("html")), "a figure showed"


def test_the_sign_in_screen_comes_first_and_a_wrong_password_is_refused(signin_runtime, fake_clock):
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60).run()
    assert at.button[0].label == "登录" and not at.get("html")
    at.text_input[0].input("zhao")
    at.text_input[1].input("not-the-password")
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == ["登录失败：账号或密码不正确"]  # the reader's language, nothing else


def test_an_idle_session_expires_and_says_so(signin_runtime, fake_clock):
    at = signed_in("zhao", fake_clock)
    fake_clock["t"] = NOW + timedelta(minutes=29)
    at.run()
    assert not at.text_input, "still signed in before the idle limit"
    fake_clock["t"] += timedelta(minutes=29)  # active 29 min ago: still within
    at.run()
    assert not at.text_input
    fake_clock["t"] += timedelta(minutes=31)
    at.run()
    assert at.text_input and any("已自动退出" in i.value for i in at.info)
    assert ("zhao", "signout", "user:zhao", "ok") in events(signin_runtime.store)


def test_a_demoted_session_narrows_and_a_disabled_one_ends_at_the_next_page_run(signin_runtime, fake_clock):
    at = signed_in("sun", fake_clock)
    at.switch_page("app_pages/collectors.py").run()
    assert TEXT["collectors"][0] in [h.value for h in at.subheader]
    accounts.set_role(signin_runtime.store, CLI, "sun", "duty", NOW)
    at.run()
    assert TEXT["collectors"][0] not in [h.value for h in at.subheader], "the demoted session kept the collectors page"
    assert any("sun · 值班" in c.value for c in at.sidebar.caption)
    assert ("sun", "session.role", "user:sun", "ok") in events(signin_runtime.store)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/alerts.py")
    accounts.set_disabled(signin_runtime.store, CLI, "sun", True, NOW)
    at.run()
    assert at.button[0].label == "登录" and any("已被停用或修改" in i.value for i in at.info)


def test_a_new_password_ends_the_other_sessions(signin_runtime, fake_clock):
    at = signed_in("zhao", fake_clock)
    assert not at.text_input
    accounts.set_password(signin_runtime.store, CLI, "zhao", PASSWORD + "-new", NOW)
    at.run()
    assert at.text_input and at.button[0].label == "登录"


def test_first_start_without_an_admin_says_how_to_make_one(promo_runtime):
    promo_runtime.config = dataclasses.replace(promo_runtime.config, access=AccessConfig(mode="signin"))
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60).run()
    assert any("cbec user add" in e.value for e in at.error)


def test_a_duty_account_cannot_acknowledge_edit_or_export_and_a_leader_can_export(signin_runtime, fake_clock):
    duty = Viewer("zhao", "duty", "password")
    for action in ("alert.ack", "alert.rule_edit", "alert.silence", "report.export"):
        with pytest.raises(Forbidden):
            guard.perform(signin_runtime.store, duty, action, "x", NOW, lambda con: None)
    at = signed_in("qian", fake_clock)
    at.switch_page("app_pages/report.py").run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["电子表格", "CSV", "纯文本", "PDF (A4)"]


def test_an_admin_adds_an_account_on_the_page_and_it_is_on_record(signin_runtime, fake_clock):
    at = signed_in("li", fake_clock)
    at.switch_page("app_pages/users.py").run()
    at.text_input[0].input("zhou")  # the add form comes first
    at.text_input[1].input("another-long-pass")
    at.selectbox[0].select("leader")
    at.button(key="FormSubmitter:add_account-新增账号").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with signin_runtime.store.reading() as con:
        assert ("zhou", "leader") in [
            tuple(r) for r in accounts.accounts(con)[["name", "role"]].itertuples(index=False)
        ]
    assert ("li", "user.manage", "user:zhou", "ok") in events(signin_runtime.store)


def test_an_ops_acknowledgement_carries_the_signed_in_name(signin_runtime, fake_clock):
    from core.alerts.rules import load_alert_config
    from core.alerts.runner import AlertRunner

    runner = AlertRunner(load_alert_config(), signin_runtime.store, clock=signin_runtime.clock,
                         health=lambda: {"simulator": {"stale": True, "state": "quiet"}})  # fmt: skip
    signin_runtime.alerts = runner
    runner.evaluate()
    at = signed_in("sun", fake_clock)
    at.switch_page("app_pages/alerts.py").run()
    ack = next(s for s in at.selectbox if s.label == "规则" and "数据源中断" in str(s.options))  # named, not coded
    ack.select(next(o for o in ack.options if "数据源中断" in o))
    comment = next(w for w in at.text_input if w.label == "说明")
    comment.input("restarting the feed")
    at.button(key="FormSubmitter:ack-确认告警").click()
    at.run()
    assert not at.exception, at.exception
    with signin_runtime.store.reading() as con:
        by = con.execute("SELECT acked_by, comment FROM alert_ack").fetchall()
    assert by == [("sun", "restarting the feed")]
    assert any(a == "sun" and act == "alert.ack" and o == "ok" for a, act, _, o in events(signin_runtime.store))
