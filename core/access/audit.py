"""The audit trail: who did what, when, from where, and whether it was allowed."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from core.access.roles import Viewer
from queries.loader import sql


def record(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    action: str,
    target: str,
    now: datetime,
    *,
    detail: str = "",
    outcome: str = "ok",
) -> None:
    con.execute(
        sql("write_audit"),
        {"at": now, "actor": viewer.name, "role": viewer.role, "action": action, "target": target,
         "detail": detail, "source": viewer.source or viewer.via, "outcome": outcome},
    )  # fmt: skip


def events(
    con: duckdb.DuckDBPyConnection, *, action: str = "", actor: str = "", target: str = "", limit: int = 500
) -> pd.DataFrame:
    return con.execute(sql("read_audit"), {"action": action, "actor": actor, "target": target, "limit": limit}).df()
