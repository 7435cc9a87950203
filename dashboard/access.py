"""Sign-in for the pages: who the session is, the sign-in form, idle expiry,
kiosk tokens from the address, and the page and action checks every page
makes on the server.

In the demo (access.mode = "demo") everybody is an admin called "demo"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import duckdb
import streamlit as st

from base.clock import now_beijing
from core import runtime as rt
from core.access import accounts, audit, guard, standing, tickets, tokens
from core.access.roles import KIOSK, Forbidden, Viewer, may, may_open, role_from_claims
from dashboard.i18n import t

T = TypeVar("T")
clock: Callable[[], datetime] = now_beijing  # the session's time (tests move it)
_KEY = "viewer"
_SEEN = "viewer_seen"
_SESSION = "ticket_session"  # what this session's stream tickets name


def _source() -> str:
    try:
        ip = st.context.ip_address
    except Exception:  # outside a browser session
        return ""
    return ip if isinstance(ip, str) else ""


def current() -> Viewer | None:
    return st.session_state.get(_KEY)


def _demo() -> Viewer:
    return Viewer("demo", "admin", "demo", _source())


def _expired(now: datetime, idle: timedelta) -> bool:
    seen = st.session_state.get(_SEEN)
    return seen is not None and now - seen > idle


def sign_out(runtime: rt.Runtime, why: str) -> None:
    viewer = current()
    st.session_state.pop(_KEY, None)
    st.session_state.pop(_SEEN, None)
    tickets.end_session(st.session_state.pop(_SESSION, ""))
    if viewer is not None and viewer.via == "password":
        with runtime.store.write_lock:
            audit.record(runtime.store.writer, viewer, "signout", f"user:{viewer.name}", clock(), detail=why)


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
        if _expired(now, timedelta(minutes=access.idle_minutes)):
            sign_out(runtime, "idle")
            st.session_state["signin_note"] = t("session_expired")
            viewer = None
        else:
            viewer = _standing(runtime, viewer)
            if viewer is not None:
                st.session_state[_SEEN] = now
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
        if note:
            st.info(note)
        with st.form("signin"):
            name = st.text_input(t("account"))
            password = st.text_input(t("password"), type="password")
            go = st.form_submit_button(t("sign_in"), type="primary")
        if go:
            policy = accounts.Policy(access.max_failures, timedelta(minutes=access.lockout_minutes))
            try:
                viewer = accounts.sign_in(runtime.store, name.strip(), password, clock(), _source(), policy)
            except accounts.SignInFailed:  # one answer to every failure, in the reader's language
                st.error(t("signin_failed"))
                return
            st.session_state[_KEY] = viewer
            st.session_state[_SEEN] = clock()
            st.session_state[_SESSION] = tickets.new_session()
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
        st.rerun()


def still_valid(runtime: rt.Runtime) -> bool:
    """False once a signed-in session has been idle too long, its account has
    changed (role, disabled, password) or a kiosk token was revoked."""
    viewer = current()
    if viewer is None:
        return False
    if viewer.via == "password":
        if _expired(clock(), timedelta(minutes=runtime.config.access.idle_minutes)):
            return False
        with runtime.store.reading() as con:
            return standing.refreshed(con, viewer) == viewer
    if viewer.via == "kiosk":
        with runtime.store.reading() as con:
            return tokens.viewer_for(con, st.query_params.get("token", ""), viewer.source) is not None
    return True


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


__all__ = ["Forbidden", "act", "allowed", "current", "gate", "require_page", "stream_ticket", "who_box"]
