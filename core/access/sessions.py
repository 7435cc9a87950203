"""Signed-in sessions that outlive one open page: kept on the server, named by a
signed cookie.

A session is a random id held here with its viewer and the time it was last
active; the browser keeps only that id and its signature (HMAC-SHA256 with this
process's key, the one stream tickets are signed with) in an HttpOnly cookie, never a password or who the person is.
The sign-in form cannot set such a cookie (a script has no response of its
own), so it asks for a hand-over ticket: random, one use, HANDOVER long; the
browser takes it to a route that swaps it for the cookie.

Sessions live in memory, so a restart ends them all: nobody keeps a role the
store no longer gives them, and nothing about sessions is written to disk. The
account itself is re-read on every use (core/access/standing.py)."""

from __future__ import annotations

import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

from core.access import tickets
from core.access.roles import Viewer

COOKIE = "cbec_session"
HANDOVER = timedelta(seconds=60)
_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# a page's address: "/" or one segment such as /alerts or /system-health
_PAGE = re.compile(r"^/(?:[A-Za-z0-9][A-Za-z0-9_-]{0,63})?$")
_ROUTES = {"/metrics", "/healthz"}  # one segment, but not pages
ENDED = "ended"  # the sign-in form's address says why the last session ended
# query keys never carried on: a kiosk token has its own way in
_DROPPED = {"token", "ticket"}


@dataclass
class _Session:
    viewer: Viewer
    seen: datetime


_sessions: dict[str, _Session] = {}
_handovers: dict[str, tuple[str, datetime]] = {}  # ticket -> (session, valid until)
_lock = threading.Lock()


def _sign(sid: str) -> str:
    return tickets.sign(f"session:{sid}")  # a prefix, so no stream ticket's payload signs a session


def start(viewer: Viewer, now: datetime, idle: timedelta) -> str:
    """A new session for a viewer who just signed in; its id. Sessions idle past
    the limit that nobody came back to are dropped here, so memory stays small."""
    sid = tickets.new_session()
    with _lock:
        for old, session in list(_sessions.items()):
            if now - session.seen > idle:
                del _sessions[old]
        _sessions[sid] = _Session(viewer, now)
    return sid


def hand_over(sid: str, now: datetime) -> str:
    """A one-use ticket the browser swaps for this session's cookie within HANDOVER."""
    ticket = secrets.token_urlsafe(32)
    with _lock:
        for t, (_, until) in list(_handovers.items()):
            if now > until:
                del _handovers[t]
        _handovers[ticket] = (sid, now + HANDOVER)
    return ticket


def redeem(ticket: str, now: datetime) -> str | None:
    """The session a hand-over ticket names, once: None when unknown, used, expired or its session ended."""
    with _lock:
        sid, until = _handovers.pop(ticket, ("", None))
        if until is None or now > until or sid not in _sessions:
            return None
    return sid


def cookie_value(sid: str) -> str:
    return f"{sid}.{_sign(sid)}"


def session_id(cookie: str) -> str | None:
    """The session a cookie names when its signature is ours, else None (forged or tampered)."""
    sid, _, signature = (cookie or "").partition(".")
    if not _ID.match(sid) or not hmac.compare_digest(_sign(sid), signature):
        return None
    return sid


@dataclass(frozen=True)
class Found:
    """What a cookie stands for now: the session and its viewer, or why not."""

    sid: str = ""
    viewer: Viewer | None = None
    why: str = ""  # "" when live; else forged | unknown | idle


def find(cookie: str, now: datetime, idle: timedelta) -> Found:
    """The live session a cookie names. An idle one ends here, once (its finder records it)."""
    sid = session_id(cookie)
    if sid is None:
        return Found(why="forged")
    with _lock:
        session = _sessions.get(sid)
        if session is None:
            return Found(sid, why="unknown")
        if now - session.seen > idle:
            del _sessions[sid]
            tickets.end_session(sid)
            return Found(sid, session.viewer, "idle")
        return Found(sid, session.viewer)


def touch(sid: str, viewer: Viewer, now: datetime) -> bool:
    """Activity: the idle limit starts again, and the session takes the viewer as its account stands
    now (a narrowed role). False when the session has ended meanwhile."""
    with _lock:
        session = _sessions.get(sid)
        if session is None:
            return False
        session.seen = max(session.seen, now)
        session.viewer = viewer
    return True


def status(sid: str, now: datetime, idle: timedelta) -> str:
    """ "live"; "idle" past the limit; or "ended" (signed out, possibly in another page, or never known)."""
    with _lock:
        session = _sessions.get(sid)
    if session is None:
        return "ended"
    return "live" if now - session.seen <= idle else "idle"


def end(sid: str) -> Viewer | None:
    """Ends the session (every page and stream ticket of it); its viewer, when it was live."""
    with _lock:
        session = _sessions.pop(sid, None)
        for t, (s, _) in list(_handovers.items()):
            if s == sid:
                del _handovers[t]
    tickets.end_session(sid)
    return session.viewer if session else None


def safe_next(target: str) -> str:
    """A page of this site to go to after sign-in: `target` when it is a page path (with its query),
    else "/". Another host, scheme, `//`, a backslash or a route that is not a page is refused."""
    if not target or any(c in target for c in "\\\r\n\t") or not target.startswith("/") or target.startswith("//"):
        return "/"
    try:
        parts = urlsplit(target)
    except ValueError:
        return "/"
    if parts.scheme or parts.netloc or not _PAGE.match(parts.path) or parts.path in _ROUTES:
        return "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _DROPPED]
    return parts.path + (f"?{urlencode(query)}" if query else "")
