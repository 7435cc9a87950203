"""Kiosk tokens for unattended wall screens: long-lived, read-only, scoped to
screens, revocable. The secret is shown once; only its SHA-256 is stored (it is
random and long, so a fast hash is enough, and checking it every few seconds
costs nothing)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import duckdb
import pandas as pd

from core.access.guard import perform
from core.access.roles import KIOSK, Viewer
from queries.loader import sql
from queries.store import Store

PREFIX = "cbk_"
_SHAPE = re.compile(r"^cbk_([0-9a-f]{10})_([A-Za-z0-9_-]{40,})$")


class TokenError(ValueError):
    pass


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(store: Store, actor: Viewer, name: str, screens: list[str], known_screens: list[str], now: datetime) -> str:
    """A new token (returned once, never stored) for the screens named, or all ("*")."""
    tid, secret = secrets.token_hex(5), secrets.token_urlsafe(32)
    _keep(store, actor, tid, secret, name, screens, known_screens, now, "create")
    return f"{PREFIX}{tid}_{secret}"


def add(
    store: Store, actor: Viewer, name: str, token: str, screens: list[str], known_screens: list[str], now: datetime
) -> str:
    """Keeps a token made by another instance (the primary's, on its standby), so
    a wall that fails over is let in by the same token. Returns its id."""
    m = _SHAPE.match(token.strip())
    if not m:
        raise TokenError("that is not a kiosk token (cbk_…, as `cbec token create` printed it)")
    _keep(store, actor, m.group(1), m.group(2), name, screens, known_screens, now, "add")
    return m.group(1)


def _keep(
    store: Store, actor: Viewer, tid: str, secret: str, name: str, screens: list[str], known_screens: list[str],
    now: datetime, verb: str,
) -> None:  # fmt: skip
    name = name.strip()
    if not name:
        raise TokenError("a token needs a name: where its screen hangs")
    unknown = [s for s in screens if s != "*" and s not in known_screens]
    if unknown or not screens:
        raise TokenError(f"screens are * or among {', '.join(known_screens)}; not {', '.join(unknown) or 'none'}")
    scope = "*" if "*" in screens else ",".join(screens)

    def change(con):
        if con.execute(sql("read_kiosk_token"), {"id": tid}).fetchone() is not None:
            raise TokenError(f"token {tid!r} is already kept here")
        con.execute(
            sql("write_kiosk_token"),
            {"id": tid, "name": name, "secret_hash": _digest(secret), "screens": scope,
             "created_by": actor.name, "now": now},
        )  # fmt: skip

    perform(store, actor, "token.manage", f"token:{tid}", now, change, detail=f"{verb} {name!r} screens={scope}")


def revoke(store: Store, actor: Viewer, tid: str, now: datetime) -> None:
    def change(con):
        row = con.execute(sql("read_kiosk_token"), {"id": tid}).fetchone()
        if row is None:
            raise TokenError(f"no token {tid!r}")
        if row[4] is not None:
            raise TokenError(f"token {tid!r} was already revoked")
        con.execute(sql("write_kiosk_token_revoke"), {"id": tid, "by": actor.name, "now": now})

    perform(store, actor, "token.manage", f"token:{tid}", now, change, detail="revoke")


def viewer_for(con: duckdb.DuckDBPyConnection, token: str, source: str = "") -> Viewer | None:
    """The kiosk viewer a token stands for, or None when it is malformed, unknown or revoked."""
    m = _SHAPE.match(token or "")
    if not m:
        return None
    row = con.execute(sql("read_kiosk_token"), {"id": m.group(1)}).fetchone()
    if row is None or row[4] is not None or not hmac.compare_digest(row[2], _digest(m.group(2))):
        return None
    return Viewer(f"kiosk:{row[1]}", KIOSK, "kiosk", source, tuple(row[3].split(",")), row[0])


def tokens(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(sql("read_kiosk_tokens")).df()
