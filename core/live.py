"""The live model every screen reads, computed once per interval for every viewer.

`headlines()` (totals, net of cancellations and returns, tax assessed, pace,
year on year by site, freshness) once a second, and soon after each commit, for
the walls' event stream and the overview's tiles; `snapshot()` (curves, waiting
lists, warehouses, equipment, alerts, tile limits) once per wall refresh;
`overview()`, `warehouses()` and `system_health()` for the desk pages. All are
plain shared caches outside Streamlit, so they serve sessions and HTTP routes
alike and cost the same for one screen or thirty, and the overview's headline
is the walls' headline, not a second computation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

import numpy as np
import pandas as pd

from base.clock import same_time_last_year
from base.status import codes
from core import netline, pace, simulated
from core import runtime as rt
from core.alerts import groups, loop
from core.alerts.rules import Limits
from core.names import Names
from core.numbers import fen
from queries import read

T = TypeVar("T")
CITY = "city"
FOLLOW_GAP_S = 0.2  # the headlines follow the store's commits at most five times a second


class _Shared:
    """The newest value of `compute`, recomputed once per `seconds` for everybody;
    with `follow_commits`, also when the store committed a batch since, at most
    once per `FOLLOW_GAP_S` (a file's figures need not wait for the second to turn)."""

    def __init__(
        self,
        name: str,
        compute: Callable[[rt.Runtime], T],
        seconds: Callable[[rt.Runtime], float],
        follow_commits: bool = False,
    ) -> None:
        self.name = name  # the `part` label of cbec_live_compute_seconds
        self._compute, self._seconds, self._follow = compute, seconds, follow_commits
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._commits = -1
        self._at = 0.0
        self._value: T | None = None

    def get(self) -> T:
        runtime = rt.current()
        now = time.time()
        key = (int(now // self._seconds(runtime)), runtime.instance)
        commits = runtime.store.commits
        with self._lock:  # one computation per interval; the others wait for it
            newer = self._follow and commits != self._commits and now - self._at >= FOLLOW_GAP_S
            if key != self._key or newer:
                started = time.perf_counter()
                self._value = self._compute(runtime)
                runtime.metrics.live_seconds.labels(self.name).observe(time.perf_counter() - started)
                self._key, self._commits, self._at = key, commits, now
            return self._value


# -- headlines, once a second ---------------------------------------------------------------
@dataclass(frozen=True)
class Headline:
    released_lists: int
    goods_value_fen: int
    last_minute: int
    last_year_same_time: int
    per_minute: list[int]  # the last 60 full minutes, for the sparkline
    name_zh: str = ""
    name_en: str = ""
    adjustments: read.Adjustments = read.Adjustments()  # cancellations, returns and tax today

    @property
    def net(self) -> read.Net:
        return read.Net(self.released_lists, self.goods_value_fen, self.adjustments)

    @property
    def net_goods_value_fen(self) -> int:
        return fen(self.net.net_goods_value)

    @property
    def tax_assessed_fen(self) -> int:
        return fen(self.adjustments.tax_assessed)


def net_parts(h: Headline, lang: str) -> dict[str, str]:
    """Net beside gross for one screen, worded as everywhere else (core/netline.py)."""
    return netline.parts(h.net, lang)


@dataclass(frozen=True)
class Headlines:
    now: datetime
    screens: dict[str, Headline]  # "city" and each site code
    data_as_of: datetime | None  # newest data any source delivered
    stale: list[tuple[str, float | None]]  # (collector, seconds since its last data)
    loading: str  # a note while history is being back-filled
    last_year: read.Totals  # the whole city at the same time last year
    today: read.Totals
    collectors: dict  # each collector's health, as the runner had it
    names: Names  # display names (a stale source is named as readers call it)
    simulated: bool  # any figure comes from the simulator: screens say 模拟数据


def _headlines(runtime: rt.Runtime) -> Headlines:
    now = runtime.clock()
    day0 = now.replace(hour=0, minute=0, second=0, microsecond=0)
    ly0 = same_time_last_year(day0)
    minute = now.replace(second=0, microsecond=0)
    with runtime.store.reading() as con:
        today = read.release_totals(con, day0, now)
        ly_total = read.release_totals(con, ly0, ly0 + (now - day0))
        by_site = read.sites_against_last_year(con, day0, now)
        spark = read.release_per_minute_by_site(con, max(day0, minute - timedelta(minutes=60)), minute)
        adjusted = read.adjustments(con, day0, now)
        adjusted_by_site = read.adjustments_by_site(con, day0, now)
    city = [int(n) for n in spark.sum(axis=1).tolist()]
    screens = {
        CITY: Headline(
            today.released_lists,
            today.goods_value_fen,
            city[-1] if city else 0,
            ly_total.released_lists,
            city,
            adjustments=adjusted,
        )
    }
    for s in by_site:
        series = [int(n) for n in spark[s.code].tolist()] if s.code in spark else [0] * len(spark)
        screens[s.code] = Headline(
            s.released_lists,
            s.goods_value_fen,
            series[-1] if series else 0,
            s.lists_ly,
            series,
            s.name_zh,
            s.name_en,
            adjusted_by_site.get(s.code, read.Adjustments()),
        )
    collectors = runtime.health()["collectors"]
    seen = [datetime.fromisoformat(h["last_data"]) for h in collectors.values() if h["last_data"]]
    stale = [(name, h["lag_seconds"]) for name, h in collectors.items() if h["stale"] or h["state"] == "error"]
    loading = runtime.history_loading(collectors)
    simulating = simulated.running(runtime.config) or bool(loading)  # checked every second: no store scan
    as_of = max(seen) if seen else None
    return Headlines(now, screens, as_of, stale, loading, ly_total, today, collectors, runtime.names, simulating)


_HEADLINES = _Shared("headlines", _headlines, lambda runtime: 1.0, follow_commits=True)


def headlines() -> Headlines:
    return _HEADLINES.get()


# -- the slow panels, once per wall interval -------------------------------------------------
@dataclass(frozen=True)
class Waiting:
    lists: int
    oldest_age_s: float | None


@dataclass(frozen=True)
class Screen:
    code: str
    day0: datetime
    curve_today: np.ndarray  # cumulative releases at the end of each 5 minutes so far
    curve_last_year: np.ndarray  # the same, for the whole of last year's day
    curve_plan: np.ndarray  # the plan for the whole day
    per_minute: list[int]  # the last 60 full minutes
    minutes_today: np.ndarray  # releases in each full minute since midnight
    minutes_last_year: np.ndarray  # the same for the whole of last year's day
    latency: read.Latency | None
    review: Waiting
    held: Waiting
    inspections_today: int
    holds_today: int
    rejects_today: int
    warehouses: pd.DataFrame  # the screen's warehouses, fullest first
    components: pd.DataFrame  # site, component, kind, state, and link figures
    limits: Limits = Limits({})  # tile colours: the live alert rules
    sites: list[dict] = field(default_factory=list)  # the city screen's table
    # the site's own measures (collectors/records.py SITE_MEASURES), from the last hour:
    measures: dict[str, float] = field(default_factory=dict)  # the newest value of each
    measures_at: datetime | None = None  # the minute of the newest value
    measure_series: dict[str, list[float]] = field(default_factory=dict)  # the last 60 minutes, oldest first
    measures_last_year: dict[str, float] = field(default_factory=dict)  # at the same moment last year


@dataclass(frozen=True)
class Snapshot:
    now: datetime
    screens: dict[str, Screen]
    alerts: list[dict]  # site, severity, state, zh, en: what the alert rules have active
    simulated_history: bool
    outages: list[tuple[datetime, datetime]] = field(default_factory=list)  # today's silences of any collector
    started_at: datetime | None = None  # when this process started: a restart mark on the time charts


STEP = 5  # minutes per curve point


def _cumulative(per_minute: np.ndarray, points: int) -> np.ndarray:
    counts = np.pad(per_minute, (0, max(0, points * STEP - len(per_minute))))[: points * STEP]
    return np.cumsum(counts.reshape(points, STEP).sum(axis=1))


def _waiting(rows: dict, site: str | None, kind: str, now: datetime) -> Waiting:
    o = rows.get((site, kind))
    if o is None:
        return Waiting(0, None)
    return Waiting(o.lists, (now - o.oldest_since).total_seconds() if o.oldest_since else None)


def _snapshot(runtime: rt.Runtime) -> Snapshot:
    cfg = runtime.config
    sites = [s.code for s in cfg.sites]
    now = runtime.clock()
    day0 = now.replace(hour=0, minute=0, second=0, microsecond=0)
    ly0 = same_time_last_year(day0)
    ly_now = same_time_last_year(now)
    minute = now.replace(second=0, microsecond=0)
    points_so_far = max(1, -(-int((minute - day0).total_seconds() // 60) // STEP))
    with runtime.store.reading() as con:
        latency = read.release_latency(con, minute - timedelta(minutes=14), minute + timedelta(minutes=1))
        waiting = read.open_lists(con, day0 - timedelta(days=3), now)
        status = read.receipt_counts(con, day0, now + timedelta(minutes=1))
        warehouses = read.occupancy_latest(con, now - timedelta(hours=1), now)
        health = read.health_latest(con, now - timedelta(hours=1), now)
        sim_history = bool(read.backfill_ranges(con, ly0, now))
        gaps = read.collector_gaps(con, day0, now, cfg.stale_after_seconds)
        measures = read.site_measures_latest(
            con, minute - timedelta(minutes=59), now, ly_now - timedelta(minutes=59), ly_now
        )
        today, last_year = read.release_curves(con, (day0, minute), (ly0, ly0 + timedelta(days=1)), sites)
    components = _with_link(read.component_states(health, now, cfg.stale_after_seconds), health)
    limits = Limits.of(runtime.rules())
    screens = {}
    for code in [CITY, *sites]:
        site = None if code == CITY else code
        minutes = today.city if site is None else today.sites[site]
        minutes_ly = last_year.city if site is None else last_year.sites[site]
        ly_curve = _cumulative(minutes_ly, 288)

        def count(statuses: tuple[int, ...], site: str | None = site) -> int:
            return sum(n for (s, st), n in status.items() if st in statuses and (site is None or s == site))

        screens[code] = Screen(
            code=code,
            day0=day0,
            curve_today=_cumulative(minutes, points_so_far),
            curve_last_year=ly_curve,
            curve_plan=ly_curve * (1 + cfg.wall.plan_yoy_growth),
            per_minute=minutes[-60:].tolist(),
            minutes_today=minutes,
            minutes_last_year=minutes_ly,
            latency=latency.get(site),
            review=_waiting(waiting, site, "review", now),
            held=_waiting(waiting, site, "hold", now),
            inspections_today=count(codes("inspection")),
            holds_today=count(codes("held")),
            rejects_today=count(codes("rejected")),
            warehouses=warehouses if site is None else _of_site(warehouses, site),
            components=components.all if site is None else components.of(site),
            limits=limits,
            sites=_site_rows(runtime, today, latency, waiting, now) if site is None else [],
            **_site_measures(measures, site),
        )
    started = runtime.started_at if day0 < runtime.started_at and gaps_before(gaps, runtime.started_at) else None
    return Snapshot(now, screens, active_alerts(runtime), sim_history, pace.merged(gaps), started)


def gaps_before(gaps: list[tuple[datetime, datetime]], start: datetime) -> bool:
    """Whether a silence ends at this process's start: it was a restart, not the first start of the day."""
    return any(abs((until - start).total_seconds()) < 120 for _, until in gaps)


def _of_site(df: pd.DataFrame, site: str) -> pd.DataFrame:
    return df[df["site_code"].to_numpy() == site]


def _site_measures(measures: dict[str, read.SiteMeasures], site: str | None) -> dict:
    """A site screen's measures: the newest of each, the last hour's series and last year's same moment."""
    if site is None:
        return {}
    m = measures.get(site, read.SiteMeasures({}, None, {}))
    return {
        "measures": {name: v[-1] for name, v in m.series.items()},
        "measures_at": m.at,
        "measure_series": m.series,
        "measures_last_year": m.last_year,
    }


LINK_METRICS = ["utilization_ratio", "throughput_bps", "queue_depth", "latency_seconds"]


@dataclass(frozen=True)
class _Components:
    """Every component with its link figures, and the part of each site (as if joined site by site)."""

    all: pd.DataFrame
    bare: pd.DataFrame  # without the link figures: a site with no component shows this empty part

    def of(self, site: str) -> pd.DataFrame:
        mine = self.all["site_code"].to_numpy() == site
        if not mine.any():
            return _of_site(self.bare, site)
        return self.all[mine].reset_index(drop=True)


def _with_link(components: pd.DataFrame, health: pd.DataFrame) -> _Components:
    """Each component with the newest of its link figures (a column for each figure any link has)."""
    link: dict[tuple, dict[str, float]] = {}
    for site, component, metric, value in zip(
        health["site_code"], health["component"], health["metric"], health["value"], strict=True
    ):
        if metric in LINK_METRICS and not (pd.isna(site) or pd.isna(component) or pd.isna(value)):
            link.setdefault((site, component), {})[metric] = value
    figures = sorted({m for v in link.values() for m in v})
    if components.empty or not figures:
        return _Components(components, components)
    keys = list(zip(components["site_code"], components["component"], strict=True))
    joined = components.assign(**{m: [link.get(k, {}).get(m, np.nan) for k in keys] for m in figures})
    return _Components(joined, components)


def _site_rows(runtime: rt.Runtime, today: read.Minutes, latency: dict, waiting: dict, now: datetime) -> list[dict]:
    rows = []
    for s in runtime.config.sites:
        lat = latency.get(s.code)
        rows.append(
            {
                "code": s.code,
                "name_zh": s.name_zh,
                "name_en": s.name_en,
                "per_minute": today.sites[s.code][-60:].tolist(),
                "median_s": lat.median_s if lat else None,
                "review": _waiting(waiting, s.code, "review", now),
            }
        )
    return rows


def alert_groups(runtime: rt.Runtime) -> list[groups.Group]:
    """The active alerts, one per rule, site and state, worst first."""
    if runtime.alerts is None:
        return []
    with runtime.store.reading() as con:
        annotated = loop.annotate(con, runtime.alerts.active(), runtime.clock())
    return groups.group(annotated, {r.name: r for r in runtime.alerts.config.rules})


def active_alerts(runtime: rt.Runtime) -> list[dict]:
    """The wall's alert strip: what the alert rules have firing (or still
    recovering, or cannot evaluate), worst first, then what is pending, in
    both languages; one entry per rule, site and state."""
    if runtime.alerts is None:
        return []
    rules = {r.name: r for r in runtime.alerts.config.rules}
    out = []
    for g in alert_groups(runtime):
        severity = g.severity or ("critical" if g.state == "error" else "warning")
        zh, en = (groups.describe(g, rules.get(g.rule), runtime.names, lang) for lang in ("zh", "en"))
        out.append({"site": g.site or None, "severity": severity, "state": g.state, "zh": zh, "en": en,
                    "count": len(g.members), "acked": g.acked, "silenced": g.silenced})  # fmt: skip
    return out


_SNAPSHOT = _Shared("snapshot", _snapshot, lambda runtime: runtime.config.wall.refresh_seconds)


def snapshot() -> Snapshot:
    return _SNAPSHOT.get()


# -- the desk pages, once per refresh interval -----------------------------------------------
REFRESH_SECONDS = 3.0


def refresh_seconds() -> float:
    """The desk pages' refresh interval (the default while no runtime runs, as when a page module is imported)."""
    try:
        return rt.current().config.refresh_seconds
    except RuntimeError:
        return REFRESH_SECONDS


@dataclass(frozen=True)
class Overview:
    headlines: Headlines  # the same object the walls stream
    curve_today: pd.Series  # cumulative releases by minute
    curve_last_year: pd.Series  # last year's same day, on today's clock
    simulated_history: bool

    @property
    def city(self) -> Headline:
        return self.headlines.screens[CITY]

    @property
    def sites(self) -> list[tuple[str, Headline]]:
        return [(code, h) for code, h in self.headlines.screens.items() if code != CITY]


def _overview(runtime: rt.Runtime) -> Overview:
    h = headlines()
    day0 = h.now.replace(hour=0, minute=0, second=0, microsecond=0)
    ly0 = same_time_last_year(day0)
    minute = h.now.replace(second=0, microsecond=0)
    with runtime.store.reading() as con:
        curve_today = read.release_per_minute(con, day0, minute + timedelta(minutes=1))["released_lists"].cumsum()
        curve_ly = read.release_per_minute(con, ly0, ly0 + timedelta(days=1))["released_lists"].cumsum()
        sim_history = bool(read.backfill_ranges(con, ly0, h.now))
    curve_ly.index = curve_ly.index + (day0 - ly0)
    return Overview(h, curve_today, curve_ly, sim_history)


@dataclass(frozen=True)
class Warehouses:
    latest: pd.DataFrame
    trend: pd.DataFrame
    limits: Limits


def _warehouses(runtime: rt.Runtime) -> Warehouses:
    now = runtime.clock()
    with runtime.store.reading() as con:
        latest = read.occupancy_latest(con, now - timedelta(hours=1), now)
        trend = read.occupancy_trend(con, now - timedelta(hours=12), now)
    return Warehouses(latest, trend, Limits.of(runtime.rules()))


@dataclass(frozen=True)
class SystemHealth:
    latest: pd.DataFrame
    utilization: pd.DataFrame
    components: pd.DataFrame
    collectors: dict


def _system_health(runtime: rt.Runtime) -> SystemHealth:
    now = runtime.clock()
    with runtime.store.reading() as con:
        latest = read.health_latest(con, now - timedelta(hours=1), now)
        util = read.health_trend(con, "utilization_ratio", now - timedelta(hours=1), now)
    return SystemHealth(latest, util, runtime.components(), runtime.health()["collectors"])


_OVERVIEW = _Shared("overview", _overview, lambda runtime: runtime.config.refresh_seconds)
_WAREHOUSES = _Shared("warehouses", _warehouses, lambda runtime: runtime.config.refresh_seconds)
_SYSTEM_HEALTH = _Shared("system_health", _system_health, lambda runtime: runtime.config.refresh_seconds)


def overview() -> Overview:
    return _OVERVIEW.get()


def warehouses() -> Warehouses:
    return _WAREHOUSES.get()


def system_health() -> SystemHealth:
    return _SYSTEM_HEALTH.get()
