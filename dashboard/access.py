"""Sign-in for the pages: who the session is, the sign-in form, the session
cookie that carries a sign-in across reloads, typed addresses and bookmarks,
idle expiry, kiosk tokens from the address, and the page and action checks
every page makes on the server.

A password sign-in starts a server-side session (core/access/sessions.py). The
browser is sent once through /auth/session, which swaps a one-use ticket for
the session's HttpOnly cookie and opens the page asked for; every later page
load (a reload, a typed address, a bookmark) finds the session by that cookie.

In the demo (access.mode = "demo") everybody is an admin called "demo"."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

import duckdb
import streamlit as st

from base.clock import now_beijing
from core import runtime as rt
from core.access import accounts, audit, guard, sessions, standing, tickets, tokens
from core.access.roles import KIOSK, Forbidden, Viewer, may, may_open, role_from_claims
from dashboard.i18n import t

T = TypeVar("T")
clock: Callable[[], datetime] = now_beijing  # the session's time (tests move it)
_KEY = "viewer"
_SESSION = "ticket_session"  # the server-side session; its stream tickets name it too
_GO = "signin_go"  # an address the browser still has to open (the cookie's hand-over)
_HERE = "page_here"  # the page this session last ran: its name and address
# why a session ended, as the sign-in form's address says it after a page load
_ENDED_NOTES = {"idle": "session_expired", "account": "session_ended_account"}

# sends the browser to another address of this site; no iframe, runs in the page
_go = st.components.v2.component(
    "cbec_go",
    js="export default function ({ data }) { if (data && data.url) window.location.replace(data.url); }",
)


def _source() -> str:
    try:
        ip = st.context.ip_address
    except Exception:  # outside a browser session
        return ""
    return ip if isinstance(ip, str) else ""


def _cookie() -> str:
    try:
        value = st.context.cookies.get(sessions.COOKIE, "")
    except Exception:  # outside a browser session
        return ""
    return value if isinstance(value, str) else ""


def _here() -> str:
    """The page this browser asked for, with its query: where to land after sign-in."""
    try:
        url = st.context.url
    except Exception:  # outside a browser session
        url = None
    url = url if isinstance(url, str) else "/"
    return sessions.safe_next((urlsplit(url).path or "/") + _query())


def _query() -> str:
    """This page's query, but what never travels on to another address."""
    query = {k: v for k, v in st.query_params.to_dict().items() if k not in ("token", "ticket", sessions.ENDED)}
    return f"?{urlencode(query)}" if query else ""


def current() -> Viewer | None:
    return st.session_state.get(_KEY)


def _demo() -> Viewer:
    return Viewer("demo", "admin", "demo", _source())


def _idle(runtime: rt.Runtime) -> timedelta:
    return timedelta(minutes=runtime.config.access.idle_minutes)


def _forget() -> str:
    """Drops the viewer from this page's state; the session id it had."""
    st.session_state.pop(_KEY, None)
    st.session_state.pop(_GO, None)
    return st.session_state.pop(_SESSION, "")


def _record_signout(runtime: rt.Runtime, viewer: Viewer | None, why: str) -> None:
    if viewer is not None and viewer.via == "password":
        with runtime.store.write_lock:
            audit.record(runtime.store.writer, viewer, "signout", f"user:{viewer.name}", clock(), detail=why)


def sign_out(runtime: rt.Runtime, why: str) -> None:
    """Ends the session here and on the server: every page and stream ticket of it."""
    viewer = current()
    sid = _forget()
    sessions.end(sid)  # its stream tickets too
    _record_signout(runtime, viewer, why)


def gate(runtime: rt.Runtime) -> Viewer:
    """The session's viewer; otherwise draws the sign-in and stops the script."""
    access = runtime.config.access
    if access.mode == "demo":
        st.session_state[_KEY] = _demo()
        return st.session_state[_KEY]
    token = st.query_params.get("token")
    if token:
        with runtime.store.reading() as con:
            viewer = tokens.viewer_for(con, token, _source())
        if viewer is None:
            st.session_state.pop(_KEY, None)
            st.error(t("token_refused"))
            st.stop()
        st.session_state[_KEY] = viewer
        return viewer
    now = clock()
    viewer = current()
    if viewer is not None and viewer.via == "password":
        viewer = _still_on(runtime, viewer, now)
    elif viewer is None and _cookie():
        viewer = _from_cookie(runtime, now)
    if viewer is not None and viewer.via == "password":
        go = st.session_state.pop(_GO, "")
        if go:  # just signed in: the browser takes its cookie, then opens the page asked for
            st.caption(t("signin_opening"))
            _go(data={"url": go}, key="signin_go")
            st.stop()
        return viewer
    if access.oidc and st.user.is_logged_in:
        role = role_from_claims(st.user.to_dict(), access.role_claim, dict(access.role_map))
        if role is None:
            st.error(t("oidc_no_role"))
            st.button(t("sign_out"), on_click=st.logout)
            st.stop()
        viewer = Viewer(str(st.user.get("email") or st.user.get("sub")), role, "oidc", _source())
        if current() != viewer:
            with runtime.store.write_lock:
                audit.record(runtime.store.writer, viewer, "signin", f"user:{viewer.name}", now, detail="oidc")
        st.session_state[_KEY] = viewer
        return viewer
    _sign_in_form(runtime)
    st.stop()


def _still_on(runtime: rt.Runtime, viewer: Viewer, now: datetime) -> Viewer | None:
    """This page's signed-in viewer, if its session still stands: not idle, not
    signed out in another page of this browser, its account unchanged or narrowed."""
    sid = st.session_state.get(_SESSION, "")
    state = sessions.status(sid, now, _idle(runtime))
    if state != "live":
        if state == "idle":
            sign_out(runtime, "idle")
            st.session_state["signin_note"] = t("session_expired")
        else:  # ended in another page of this browser, which recorded why
            _forget()
        return None
    fresh = _standing(runtime, viewer)
    if fresh is not None:
        sessions.touch(sid, fresh, now)
    return fresh


def _from_cookie(runtime: rt.Runtime, now: datetime) -> Viewer | None:
    """The viewer the browser's session cookie names, as its account stands now."""
    found = sessions.find(_cookie(), now, _idle(runtime))
    if found.why == "idle":
        _record_signout(runtime, found.viewer, "idle")
        st.session_state["signin_note"] = t("session_expired")
        return None
    if found.viewer is None:  # forged, tampered, signed out, or from before a restart
        return None
    viewer = dataclasses.replace(found.viewer, source=_source())  # the audit trail says where from now
    st.session_state[_KEY] = viewer
    st.session_state[_SESSION] = found.sid
    fresh = _standing(runtime, viewer)
    if fresh is not None:
        sessions.touch(found.sid, fresh, now)
    return fresh


def _standing(runtime: rt.Runtime, viewer: Viewer) -> Viewer | None:
    """The session as its account stands now: narrowed to a changed role, or
    ended (None) once the account is disabled, removed or has a new password."""
    with runtime.store.reading() as con:
        fresh = standing.refreshed(con, viewer)
    if fresh is None:
        sign_out(runtime, "account disabled, removed or its password changed")
        st.session_state["signin_note"] = t("session_ended_account")
        return None
    if fresh.role != viewer.role:
        with runtime.store.write_lock:
            audit.record(runtime.store.writer, fresh, "session.role", f"user:{fresh.name}", clock(),
                         detail=f"{viewer.role} -> {fresh.role}")  # fmt: skip
        st.session_state[_KEY] = fresh
    return fresh


def _sign_in_form(runtime: rt.Runtime) -> None:
    access = runtime.config.access
    _, mid, _ = st.columns([1, 1.2, 1])
    with mid:
        st.title("cbec-command")
        with runtime.store.reading() as con:
            if not accounts.has_admin(con) and not access.oidc:
                st.error(t("no_admin_yet"))
                return
        note = st.session_state.pop("signin_note", "")
        why = _ENDED_NOTES.get(st.query_params.get(sessions.ENDED, ""))
        if why and not note:
            note = t(why)
        if note:
            st.info(note)
        with st.form("signin"):
            name = st.text_input(t("account"))
            password = st.text_input(t("password"), type="password")
            go = st.form_submit_button(t("sign_in"), type="primary")
        if go:
            policy = accounts.Policy(access.max_failures, timedelta(minutes=access.lockout_minutes))
            now = clock()
            try:
                viewer = accounts.sign_in(runtime.store, name.strip(), password, now, _source(), policy)
            except accounts.SignInFailed:  # one answer to every failure, in the reader's language
                st.error(t("signin_failed"))
                return
            sid = sessions.start(viewer, now, _idle(runtime))
            st.session_state[_KEY] = viewer
            st.session_state[_SESSION] = sid
            ticket = sessions.hand_over(sid, now)
            st.session_state[_GO] = "/auth/session?" + urlencode({"ticket": ticket, "next": _here()})
            st.rerun()
        if access.oidc:
            st.button(t("sign_in_sso"), on_click=st.login)


def who_box(runtime: rt.Runtime, viewer: Viewer) -> None:
    """The sidebar line: who is signed in, and the way out."""
    if viewer.via == "demo":
        st.caption(t("demo_mode"))
        return
    st.caption(f"{viewer.name} · {t('role_' + viewer.role)}")
    if st.button(t("sign_out"), key="sign_out"):
        sign_out(runtime, "signed out")
        if viewer.via == "oidc":
            st.logout()
        if viewer.via == "password":  # the browser drops its cookie too, then shows the sign-in
            _go(data={"url": "/auth/session/end"}, key="signout_go")
            st.stop()
        st.rerun()


def _kiosk_stands(runtime: rt.Runtime, viewer: Viewer) -> bool:
    with runtime.store.reading() as con:
        return tokens.viewer_for(con, st.query_params.get("token", ""), viewer.source) is not None


def remember_page(name: str, url_path: str) -> None:
    """The page this session runs, for its fragments to come back to."""
    st.session_state[_HERE] = (name, url_path)


def _moved_to(runtime: rt.Runtime) -> str:
    """Where a password session's page goes once the session changed under it:
    "" while it stands as the page last ran it; this page again, or the root
    page, once its role narrowed; the sign-in form, through the route that
    drops the cookie, once the session has ended."""
    viewer = current()
    if viewer is None or viewer.via != "password":
        return ""
    now = clock()
    state = sessions.status(st.session_state.get(_SESSION, ""), now, _idle(runtime))
    if state == "idle":
        sign_out(runtime, "idle")
        return _ended("idle")
    if state != "live":  # ended in another page of this browser, which recorded why
        _forget()
        return _ended("")
    fresh = _standing(runtime, viewer)
    if fresh is None:
        return _ended("account")
    if fresh == viewer:
        return ""
    sessions.touch(st.session_state.get(_SESSION, ""), fresh, now)  # the page load finds the narrowed role
    name, url = st.session_state.get(_HERE, ("", ""))
    return sessions.safe_next(f"/{url}{_query()}") if may_open(fresh.role, name) else "/"


def _ended(why: str) -> str:
    back = "/" + (f"?{urlencode({sessions.ENDED: why})}" if why else "")
    return "/auth/session/end?" + urlencode({"next": back})


def leave_if_changed(runtime: rt.Runtime) -> None:
    """For a page's live fragments: once the session narrowed or ended since the
    page ran, the browser loads the page it may still see, or the sign-in form,
    afresh. A new page load rather than a rerun in place: the old page set and
    the old page's elements cannot outlive the change. A kiosk whose token was
    revoked, or a page whose viewer is gone, runs the app again, which asks who
    is there."""
    viewer = current()
    if viewer is None or (viewer.via == "kiosk" and not _kiosk_stands(runtime, viewer)):
        st.rerun(scope="app")
    target = _moved_to(runtime)
    if target:
        _go(data={"url": target}, key="session_moved")
        st.stop()


def require_page(page: str) -> Viewer:
    """Stops the page, with a clear message, unless the session may open it."""
    viewer = current()
    if viewer is None:
        st.error(t("signin_needed"))
        st.stop()
    if not may_open(viewer.role, page):
        st.error(t("forbidden_page"))
        st.stop()
    return viewer


def allowed(action: str) -> bool:
    viewer = current()
    return viewer is not None and may(viewer.role, action)


def act(
    runtime: rt.Runtime,
    action: str,
    target: str,
    change: Callable[[duckdb.DuckDBPyConnection], T],
    detail: str = "",
    viewer: Viewer | None = None,
) -> T:
    """Does an action as the session's viewer (or `viewer`, taken while the
    script ran, for work done later such as a download): checked, written and
    audited together (core.access.guard); Forbidden when the role does not allow it."""
    viewer = viewer or current() or Viewer("nobody", "-", "none", _source())
    return guard.perform(runtime.store, viewer, action, target, clock(), change, detail=detail)


def stream_ticket(runtime: rt.Runtime) -> str:
    """What the wall's event stream sends to prove who opened it."""
    viewer = current()
    if runtime.config.access.mode == "demo" or viewer is None:
        return ""
    if viewer.role == KIOSK:
        return st.query_params.get("token", "")
    if _SESSION not in st.session_state:
        st.session_state[_SESSION] = tickets.new_session()
    return tickets.issue(viewer, clock(), st.session_state[_SESSION])


__all__ = [
    "Forbidden",
    "act",
    "allowed",
    "current",
    "gate",
    "leave_if_changed",
    "remember_page",
    "require_page",
    "stream_ticket",
    "who_box",
]
