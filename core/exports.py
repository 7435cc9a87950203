"""A district's days as Parquet for the national tier: the minute rollups the daily
report is computed from and the day's totals, never a list or a person, one folder per district and day
in a hive layout that DuckDB, Spark or Trino read as it is:

    DIR/district=<customs code>/date=<YYYY-MM-DD>/<table>.parquet

A day is written whole into a staging folder beside it, then swapped in, so a
reader sees the old day or the new one, never a mix."""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq

from base.renames import exchange
from queries import read
from queries.loader import sql
from queries.store import Store

# every table of a day, read by queries/sql/export_<table>.sql
TABLES = (
    "release_minute",
    "release_category_minute",
    "receipt_minute",
    "adjustment_minute",
    "reject_minute",
    "day_total",  # one row: what the national report sums over days and months
)
STAGING = ".staging-"  # never matches the readers' `date=*`


@dataclass(frozen=True)
class Written:
    day: date
    folder: Path
    rows: dict[str, int]


def day_folder(root: Path, district: str, day: date) -> Path:
    return root / f"district={district}" / f"date={day.isoformat()}"


def write_day(store: Store, root: Path, district: str, day: date) -> Written:
    """Writes (or replaces) one day of one district under `root`."""
    target = day_folder(root, district, day)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f"{STAGING}{target.name}-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    rows = {}
    try:
        start, end = read.day_window(day)
        with store.reading() as con:  # one snapshot for every table of the day
            for table in TABLES:
                data = con.sql(sql(f"export_{table}"), params={"from_ts": start, "until_ts": end}).to_arrow_table()
                pq.write_table(data, staging / f"{table}.parquet", compression="zstd")
                rows[table] = data.num_rows
        _swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Written(day, target, rows)


def write_range(store: Store, root: Path, district: str, first: date, last: date) -> list[Written]:
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return [write_day(store, root, district, d) for d in days]


def _swap_in(staging: Path, target: Path) -> None:
    """Puts the staged day in place of `target`; the old day ends up in `staging`."""
    try:
        os.rename(staging, target)  # a first write
        return
    except OSError as e:
        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if exchange(staging, target):
        return
    # no exchange here: the day is missing for an instant between the renames, never half there
    old = target.parent / f"{STAGING}old-{uuid.uuid4().hex[:8]}"
    os.rename(target, old)
    os.rename(staging, target)
    os.rename(old, staging)
