"""Whether a signed-in session still stands: its account re-read from the
store, so a demotion, a disabling or a new password takes effect at the next
page run, action or stream check instead of at the next sign-in."""

from __future__ import annotations

import dataclasses
import hashlib

import duckdb

from core.access.roles import Viewer
from queries.loader import sql

# sessions of these kinds belong to a local account
ACCOUNT_KINDS = ("password",)


def stamp(password_hash: str) -> str:
    """A short fingerprint of the password hash: it changes with the password."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def refreshed(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> Viewer | None:
    """The viewer as its account stands now (its role as stored), or None once
    the account is gone, disabled or has a new password. Viewers not tied to
    an account (kiosk, demo, oidc, cli, api) come back as they are."""
    if viewer.via not in ACCOUNT_KINDS:
        return viewer
    row = con.execute(sql("read_account"), {"name": viewer.name}).fetchone()
    if row is None:
        return None
    _, role, hashed, disabled, *_ = row
    if disabled or not viewer.stamp or stamp(hashed) != viewer.stamp:
        return None
    return viewer if role == viewer.role else dataclasses.replace(viewer, role=role)
