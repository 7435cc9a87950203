"""The running app's local API for the `cbec` command.

At start the app writes a run file beside its database (`<db>.app`, mode
0600): its pid, the loopback address it answers on and a random key. A `cbec`
command aimed at that database reads the file and asks the app, with the key,
instead of opening the file the app holds. Whoever can read the run file can
read the database beside it anyway, so the key gives nobody anything new.
A run file whose pid is gone is stale: the command opens the database itself."""

from __future__ import annotations

import getpass
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from base.config import Config
from core.access import tokens
from core.access.roles import Viewer
from core.names import Names
from core.text import text
from queries.store import Store

HEADER = "authorization"
_LOGIN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class LocalApiError(RuntimeError):
    """The run file cannot be used; said in one line."""


@dataclass(frozen=True)
class RunFile:
    pid: int
    url: str
    key: str


def run_file(db_path: str | Path) -> Path:
    db = Path(db_path).resolve()
    return db.with_name(db.name + ".app")


class Key:
    """The key of this process's run file; None until the app has announced itself."""

    value: str | None = None


def announce(db_path: str | Path, port: int, host: str | None = None) -> RunFile:
    """Writes the run file (0600, replaced whole) and keeps its key for the routes."""
    path = run_file(db_path)
    info = RunFile(os.getpid(), f"http://{_url_host(host or '')}:{port}", secrets.token_urlsafe(32))
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"pid": info.pid, "url": info.url, "key": info.key}, f)
    os.replace(tmp, path)
    Key.value = info.key
    return info


def withdraw(db_path: str | Path) -> None:
    """Removes the run file at shutdown, unless another process has written it since."""
    Key.value = None
    path = run_file(db_path)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def _url_host(host: str) -> str:
    # the app may listen on every address; the command always asks on loopback
    if host in ("", "0.0.0.0", "::", "localhost"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def find(db_path: str | Path) -> RunFile | None:
    """The running app that holds this database, or None when none runs (no
    run file, or its process is gone)."""
    path = run_file(db_path)
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise LocalApiError(f"cannot read the app's run file {path}: {e.strerror}") from None
    if not path.is_file() or st.st_mode & 0o077 or st.st_uid != os.geteuid():
        raise LocalApiError(f"the app's run file {path} must be a file of this user with mode 0600; not using it")
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        info = RunFile(int(body["pid"]), str(body["url"]), str(body["key"]))
    except OSError as e:
        raise LocalApiError(f"cannot read the app's run file {path}: {e.strerror}") from None
    except (ValueError, KeyError, TypeError):
        raise LocalApiError(f"the app's run file {path} is damaged; restart the app to write it again") from None
    return info if _alive(info.pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # somebody else's process holds that pid: not ours, but alive
    return True


def key_matches(given: str) -> bool:
    expected = Key.value
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


def cli_actor(user: str | None = None) -> Viewer:
    """Who a `cbec` command acts as: whoever can run it on the server can read the database anyway."""
    name = user if user and _LOGIN.fullmatch(user) else getpass.getuser()
    return Viewer(f"cli:{name}", "admin", "cli", "cli")


def token_action(
    store: Store, config: Config, actor: Viewer, now: datetime, action: str, name: str, screens: str, tid: str,
    lang: str = "zh", token: str = "",
) -> tuple[str, str]:  # fmt: skip
    """`cbec token create|add|list|revoke` on a store: what it prints (standard
    output, standard error). The command and the running app both call it, so
    the output is the same either way."""
    if action == "list":
        with store.reading() as con:
            df = tokens.tokens(con)
        return (token_table(df, Names(config), lang) if len(df) else text("cli_no_tokens", lang)), ""
    wanted = [s.strip() for s in screens.split(",") if s.strip()]
    known = ["city", *(site.code for site in config.sites)]
    if action == "create":
        return tokens.create(store, actor, name, wanted, known, now), text("cli_token_once", lang)
    if action == "add":
        return text("cli_token_added", lang).format(id=tokens.add(store, actor, name, token, wanted, known, now)), ""
    tokens.revoke(store, actor, tid, now)
    return text("cli_token_revoked", lang).format(id=tid), ""


def token_table(df: pd.DataFrame, names: Names, lang: str) -> str:
    """The tokens as a reader's table: screens by name, times to the minute (Beijing), no secret."""

    def minute(at) -> str:
        return "—" if at is None or pd.isna(at) else pd.Timestamp(at).strftime("%Y-%m-%d %H:%M")

    table = pd.DataFrame({
        text("cli_token_id", lang): df["id"],
        text("cli_token_name", lang): df["name"],
        text("token_screens", lang): df["screens"].map(lambda scope: names.screens(scope, lang)),
        text("cli_token_created_by", lang): df["created_by"],
        text("cli_token_created_at", lang): df["created_at"].map(minute),
        text("cli_token_revoked_by", lang): df["revoked_by"].map(lambda v: v if isinstance(v, str) and v else "—"),
        text("cli_token_revoked_at", lang): df["revoked_at"].map(minute),
    })  # fmt: skip
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):
        return table.to_string(index=False)
