"""Stream tickets: how a wall page's event stream proves who opened it.

A signed-in page gets a short-lived ticket signed with this process's key
(EventSource cannot send headers, so it travels in the URL); a kiosk wall uses
its token, checked against the store whenever it is used.

A ticket names the session that asked for it; the session is live from its
first ticket until it signs out (or stops asking for LIFETIME), so a ticket
copied out of a page stops working when that page's session ends."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from datetime import datetime, timedelta

from core.access.roles import Viewer

_KEY = secrets.token_bytes(32)  # a restart signs everybody's pages afresh
LIFETIME = timedelta(minutes=10)
_live: dict[str, tuple[str, datetime]] = {}  # session -> (who, when it last asked for a ticket)
_lock = threading.Lock()


def new_session() -> str:
    return secrets.token_urlsafe(16)


def end_session(session: str) -> None:
    """Every ticket of this session stops working at once."""
    with _lock:
        _live.pop(session, None)


def issue(viewer: Viewer, now: datetime, session: str) -> str:
    with _lock:
        for sid, (_, seen) in list(_live.items()):
            if now - seen > LIFETIME:
                del _live[sid]
        _live[session] = (viewer.name, now)
    body = json.dumps(
        [viewer.name, viewer.role, (now + LIFETIME).isoformat(), session, viewer.via, viewer.stamp]
    ).encode()
    payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return f"t.{payload}.{sign(payload)}"


def sign(payload: str) -> str:
    """This process's signature of a text (stream tickets, session cookies)."""
    return hmac.new(_KEY, payload.encode(), hashlib.sha256).hexdigest()[:32]


def read(ticket: str, now: datetime) -> Viewer | None:
    """The viewer a ticket of ours stands for, or None when forged, malformed or expired."""
    parts = ticket.split(".")
    if len(parts) != 3 or parts[0] != "t" or not hmac.compare_digest(sign(parts[1]), parts[2]):
        return None
    try:
        name, role, expires, session, via, stamp = json.loads(
            base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        )
        if now > datetime.fromisoformat(expires):
            return None
    except (ValueError, TypeError):
        return None
    with _lock:
        if _live.get(session, ("", None))[0] != name:
            return None  # its session signed out or went away
    return Viewer(name, role, via, stamp=stamp)
