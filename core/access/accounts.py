"""Local accounts: add, change password, role, disable; sign in, with repeated
failures holding back that name from that address for a while. Every change
and every attempt goes to the audit trail."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from core.access import audit, passwords, standing
from core.access.guard import perform
from core.access.roles import ROLES, Viewer
from queries.loader import sql
from queries.store import Store

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
# compared against when the account does not exist, so a wrong name costs as long as a wrong password
_NOBODY = passwords.hash_password("no such account, never a password")


class AccountError(ValueError):
    """A request about accounts that cannot be done, with the reason in words."""


class SignInFailed(Exception):
    """The sign-in did not succeed; the message is safe to show."""


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)


def _account(con: duckdb.DuckDBPyConnection, name: str):
    return con.execute(sql("read_account"), {"name": name}).fetchone()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"a role is one of {', '.join(ROLES)}, not {role!r}")


def _admins(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(sql("read_admin_count")).fetchone()[0]


def add(store: Store, actor: Viewer, name: str, role: str, password: str, now: datetime) -> None:
    if not NAME.match(name):
        raise AccountError("a name is 2-64 letters, digits or . _ @ -, starting with a letter or digit")
    _check_role(role)
    passwords.check_strength(password)
    hashed = passwords.hash_password(password)

    def change(con):
        if _account(con, name):
            raise AccountError(f"an account named {name!r} already exists")
        con.execute(sql("write_account"), {"name": name, "role": role, "password_hash": hashed, "now": now})

    perform(store, actor, "user.manage", f"user:{name}", now, change, detail=f"add role={role}")


def set_password(store: Store, actor: Viewer, name: str, password: str, now: datetime) -> None:
    passwords.check_strength(password)
    hashed = passwords.hash_password(password)

    def change(con):
        if not _account(con, name):
            raise AccountError(f"no account named {name!r}")
        con.execute(sql("write_account_password"), {"name": name, "password_hash": hashed, "now": now})

    perform(store, actor, "user.manage", f"user:{name}", now, change, detail="password")


def set_role(store: Store, actor: Viewer, name: str, role: str, now: datetime) -> None:
    _check_role(role)

    def change(con):
        row = _account(con, name)
        if not row:
            raise AccountError(f"no account named {name!r}")
        if row[1] == "admin" and role != "admin" and not row[3] and _admins(con) <= 1:
            raise AccountError("the last admin keeps the admin role")
        con.execute(sql("write_account_role"), {"name": name, "role": role, "now": now})

    perform(store, actor, "user.manage", f"user:{name}", now, change, detail=f"role={role}")


def set_disabled(store: Store, actor: Viewer, name: str, disabled: bool, now: datetime) -> None:
    def change(con):
        row = _account(con, name)
        if not row:
            raise AccountError(f"no account named {name!r}")
        if disabled and row[1] == "admin" and not row[3] and _admins(con) <= 1:
            raise AccountError("the last admin cannot be disabled")
        con.execute(sql("write_account_disabled"), {"name": name, "disabled": disabled, "now": now})

    perform(store, actor, "user.manage", f"user:{name}", now, change, detail="disable" if disabled else "enable")


def accounts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(sql("read_accounts")).df()


def has_admin(con: duckdb.DuckDBPyConnection) -> bool:
    return _admins(con) > 0


FAILED = "wrong name or password"  # the one answer to every failure: nothing to tell accounts apart
_throttle: dict[tuple[str, str], tuple[int, datetime | None]] = {}  # (name, address) -> failures, held until


def sign_in(store: Store, name: str, password: str, now: datetime, source: str, policy: Policy = Policy()) -> Viewer:
    """The signed-in viewer, or SignInFailed with the same message for every
    failure (unknown name, wrong password, disabled, throttled), each after a
    password hash check. Repeated failures hold back that name from that
    address for a while, not the account for everybody; the audit trail says which."""
    who = Viewer(name[:64] or "?", "-", "password", source)
    key = (name[:64], source)
    with store.write_lock:
        con = store.writer
        row = _account(con, name)
        ok = passwords.verify(row[2] if row else _NOBODY, password)
        failures, held = _throttle.get(key, (0, None))
        why = ""
        if row is not None:
            who = Viewer(name, row[1], "password", source)
        if held is not None and now < held:
            why = f"held back from {source or '?'} until {held:%H:%M}"
        elif row is None:
            why = "no such account"
        else:
            if row[3]:
                why = "account disabled"
            elif not ok:
                why = "wrong password"
        if why:
            if not why.startswith("held"):
                failures += 1
                held = now + policy.lockout if failures >= policy.max_failures else None
                _throttle[key] = (0, held) if held else (failures, None)
                why += f" ({failures} in a row from this address)" if not held else f"; held until {held:%H:%M}"
            audit.record(con, who, "signin", f"user:{who.name}", now, detail=why, outcome="failed")
            raise SignInFailed(FAILED)
        _throttle.pop(key, None)
        hashed = row[2]
        con.execute(sql("write_account_signin"), {"name": name, "failed_signins": 0, "locked_until": None})
        if passwords.needs_rehash(hashed):
            con.execute(
                sql("write_account_password"),
                {"name": name, "password_hash": passwords.hash_password(password), "now": now},
            )
        audit.record(con, who, "signin", f"user:{name}", now)
        hashed = _account(con, name)[2]
    return dataclasses.replace(who, stamp=standing.stamp(hashed))
