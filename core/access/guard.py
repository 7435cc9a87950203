"""The one way an action changes anything: the role is checked on the server
first, the change and its audit record are written together, and a refusal is
recorded too and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import duckdb

from core.access import audit, standing
from core.access.roles import Forbidden, Viewer, require
from queries.store import Store, transaction

T = TypeVar("T")


def perform(
    store: Store,
    viewer: Viewer,
    action: str,
    target: str,
    now: datetime,
    change: Callable[[duckdb.DuckDBPyConnection], T],
    *,
    detail: str = "",
) -> T:
    with store.write_lock:
        con = store.writer
        try:
            # the account as it stands now: a demoted or disabled session acts no more
            fresh = standing.refreshed(con, viewer)
            if fresh is None:
                raise Forbidden(f"{viewer.name}: this session ended (account disabled, changed or removed)")
            viewer = fresh
            require(viewer, action)
        except Forbidden:
            audit.record(con, viewer, action, target, now, detail=detail, outcome="denied")
            raise
        with transaction(con):
            result = change(con)
            audit.record(con, viewer, action, target, now, detail=detail)
    return result
