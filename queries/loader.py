"""Loads SQL from queries/sql/<name>.sql by name: one statement per file, or, for a
transaction that reads top to bottom, named statements in one file (`-- name: x`)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def sql(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no SQL file named {name!r} in {SQL_DIR}")
    return path.read_text(encoding="utf-8")


_NAME = re.compile(r"^-- name: (\w+)\s*$", re.M)


@cache
def statements(name: str) -> dict[str, str]:
    """The named statements of queries/sql/<name>.sql, in file order."""
    parts = _NAME.split(sql(name))[1:]
    named = dict(zip(parts[::2], (p.strip() for p in parts[1::2])))
    if not named or len(named) != len(parts) // 2:
        raise KeyError(f"{name}.sql holds no named statements, or a name twice")
    return named
