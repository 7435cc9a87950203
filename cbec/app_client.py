"""Asks the running app, through its local API, what a command would otherwise
read from the database file the app holds (core/access/local_api.py)."""

from __future__ import annotations

import getpass
from pathlib import Path

import httpx

from core.access import local_api

# a PDF is printed by Chromium on the server: give it time
TIMEOUT = httpx.Timeout(180.0, connect=5.0)


class AppError(RuntimeError):
    """The app cannot be asked, or answered with an error; said in one line."""


class NotRunning(Exception):
    """No app holds this database: the command opens the file itself."""


def ask(db_path: str | Path, method: str, path: str, *, params: dict | None = None, body: dict | None = None) -> dict:
    """The app's JSON answer; NotRunning when no app holds `db_path` (no run
    file, a dead pid, nothing listening), AppError when it refuses or fails."""
    try:
        info = local_api.find(db_path)
    except local_api.LocalApiError as e:
        raise AppError(str(e)) from None
    if info is None:
        raise NotRunning
    if body is not None:
        body = {**body, "user": getpass.getuser()}
    try:
        r = httpx.request(
            method,
            info.url + path,
            params=params,
            json=body,
            headers={local_api.HEADER: f"Bearer {info.key}"},
            timeout=TIMEOUT,
            trust_env=False,  # a proxy from the environment must not see the key, nor stand between
        )
    except httpx.ConnectError:
        raise NotRunning from None  # the pid lives on but nothing listens: not the app of that run file
    except httpx.HTTPError as e:
        raise AppError(f"the running app at {info.url} did not answer: {e.__class__.__name__}") from None
    try:
        answer = r.json()
    except ValueError:
        answer = {}
    if r.status_code != 200:
        error = answer.get("error") if isinstance(answer, dict) else None
        if r.status_code == 400 and error:  # the request's own fault, said as the file's way says it
            raise AppError(error)
        raise AppError(f"the running app refused ({r.status_code}): {error or r.reason_phrase}")
    return answer
