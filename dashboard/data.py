"""Live snapshots, computed once per refresh interval for every viewer.

`st.cache_data` keyed by the interval bucket means ten open screens run the
queries once per interval, not ten times.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from base.clock import same_time_last_year
from core import runtime as rt
from queries import read

REFRESH_SECONDS = 3.0


@dataclass(frozen=True)
class SiteLive:
    code: str
    name_zh: str
    name_en: str
    released_lists: int
    goods_value_fen: int
    last_minute: int
    sparkline: list[int]


@dataclass(frozen=True)
class Overview:
    now: datetime
    computed_at: datetime
    today: read.Totals
    last_year_same_time: read.Totals
    last_minute: int
    sparkline: list[int]
    curve_today: pd.Series
    curve_last_year: pd.Series
    sites: list[SiteLive]
    collectors: dict
    simulated_history: bool
    history_loading: str  # a source's note while it back-fills history, else ""


def refresh_seconds() -> float:
    try:
        return rt.current().config.refresh_seconds
    except RuntimeError:
        return REFRESH_SECONDS


def _bucket() -> tuple[int, int]:
    """The refresh interval we are in, and which runtime: the cache key of a snapshot."""
    return int(_time.time() // refresh_seconds()), rt.current().instance


@st.cache_data(ttl=60, max_entries=4, show_spinner=False)
def _overview(bucket: tuple[int, int]) -> Overview:
    runtime = rt.current()
    with runtime.store.reading() as con:
        now = runtime.clock()
        day0 = now.replace(hour=0, minute=0, second=0, microsecond=0)
        ly0 = same_time_last_year(day0)
        elapsed = now - day0
        minute_now = now.replace(second=0, microsecond=0)
        today = read.release_totals(con, day0, now)
        ly_same = read.release_totals(con, ly0, ly0 + elapsed)
        per_min = read.release_per_minute(con, max(day0, minute_now - timedelta(minutes=60)), minute_now)
        spark = per_min["released_lists"].tolist()
        curve_today = read.release_per_minute(con, day0, minute_now + timedelta(minutes=1))["released_lists"].cumsum()
        curve_ly = read.release_per_minute(con, ly0, ly0 + timedelta(days=1))["released_lists"].cumsum()
        curve_ly.index = curve_ly.index + (day0 - ly0)
        site_rows = read.sites(con)
        names = {code: (zh, en) for code, zh, en, _ in site_rows}
        sites = []
        for s in read.release_by_site(con, day0, now):
            series = read.release_per_minute(
                con, max(day0, minute_now - timedelta(minutes=60)), minute_now, s.site_code
            )["released_lists"].tolist()
            zh, en = names.get(s.site_code, (s.site_code, s.site_code))
            sites.append(
                SiteLive(s.site_code, zh, en, s.released_lists, s.goods_value_fen, series[-1] if series else 0, series)
            )
        order = [c for c, *_ in site_rows]
        sites.sort(key=lambda s: order.index(s.code) if s.code in order else 99)
        simulated = bool(read.backfill_ranges(con, ly0, now))
    collectors = runtime.health()["collectors"]
    loading = runtime.history_loading(collectors)
    return Overview(
        now,
        runtime.clock(),
        today,
        ly_same,
        spark[-1] if spark else 0,
        spark,
        curve_today,
        curve_ly,
        sites,
        collectors,
        simulated,
        loading,
    )


def overview() -> Overview:
    return _overview(_bucket())


@dataclass(frozen=True)
class Warehouses:
    latest: pd.DataFrame
    trend: pd.DataFrame


@st.cache_data(ttl=60, max_entries=4, show_spinner=False)
def _warehouses(bucket: tuple[int, int]) -> Warehouses:
    runtime = rt.current()
    with runtime.store.reading() as con:
        now = runtime.clock()
        return Warehouses(
            read.occupancy_latest(con, now - timedelta(hours=1), now),
            read.occupancy_trend(con, now - timedelta(hours=12), now),
        )


def warehouses() -> Warehouses:
    return _warehouses(_bucket())


@dataclass(frozen=True)
class SystemHealth:
    latest: pd.DataFrame
    utilization: pd.DataFrame
    components: pd.DataFrame
    collectors: dict


@st.cache_data(ttl=60, max_entries=4, show_spinner=False)
def _system_health(bucket: tuple[int, int]) -> SystemHealth:
    runtime = rt.current()
    with runtime.store.reading() as con:
        now = runtime.clock()
        latest = read.health_latest(con, now - timedelta(hours=1), now)
        util = read.health_trend(con, "utilization_ratio", now - timedelta(hours=1), now)
    return SystemHealth(latest, util, runtime.components(), runtime.health()["collectors"])


def system_health() -> SystemHealth:
    return _system_health(_bucket())
