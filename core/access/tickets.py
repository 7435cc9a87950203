"""Stream tickets: how a wall page's event stream proves who opened it.

A signed-in page gets a short-lived ticket signed with this process's key
(EventSource cannot send headers, so it travels in the URL); a kiosk wall uses
its token, checked against the store whenever it is used."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

from core.access.roles import Viewer

_KEY = secrets.token_bytes(32)  # a restart signs everybody's pages afresh
LIFETIME = timedelta(minutes=10)


def issue(viewer: Viewer, now: datetime) -> str:
    body = json.dumps([viewer.name, viewer.role, (now + LIFETIME).isoformat()]).encode()
    payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return f"t.{payload}.{_sign(payload)}"


def _sign(payload: str) -> str:
    return hmac.new(_KEY, payload.encode(), hashlib.sha256).hexdigest()[:32]


def read(ticket: str, now: datetime) -> Viewer | None:
    """The viewer a ticket of ours stands for, or None when forged, malformed or expired."""
    parts = ticket.split(".")
    if len(parts) != 3 or parts[0] != "t" or not hmac.compare_digest(_sign(parts[1]), parts[2]):
        return None
    try:
        name, role, expires = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        if now > datetime.fromisoformat(expires):
            return None
    except (ValueError, TypeError):
        return None
    return Viewer(name, role, "ticket")
