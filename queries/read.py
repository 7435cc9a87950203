"""Typed reads used by pages and commands. Each runs one SQL file from queries/sql."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from base.clock import same_time_last_year
from queries.loader import sql


@dataclass(frozen=True)
class Totals:
    released_lists: int
    goods_value_fen: int
    valued_lists: int

    @property
    def goods_value_cny(self) -> float:
        return self.goods_value_fen / 100


@dataclass(frozen=True)
class SiteTotals:
    site_code: str
    released_lists: int
    goods_value_fen: int


@dataclass(frozen=True)
class Adjustments:
    """What cancellations, returns and tax changed in a window. Money exactly, in yuan."""

    cancelled_lists: int = 0
    cancelled_value_fen: int = 0
    returned_value: Decimal = Decimal(0)  # Σ approved returns of unit price × quantity returned
    tax_assessed: Decimal = Decimal(0)  # Σ customs + VAT + consumption tax of each tax receipt
    tax_voided: Decimal = Decimal(0)  # of those whose latest status is 3 (作废)

    @property
    def tax_net(self) -> Decimal:
        return self.tax_assessed - self.tax_voided


@dataclass(frozen=True)
class Net:
    """Gross releases beside what cancellations and returns took back: the one
    place net figures are worked out."""

    released_lists: int
    goods_value_fen: int
    adjustments: Adjustments

    @property
    def net_released_lists(self) -> int:
        return self.released_lists - self.adjustments.cancelled_lists

    @property
    def net_goods_value(self) -> Decimal:
        a = self.adjustments
        return (Decimal(self.goods_value_fen - a.cancelled_value_fen) / 100) - a.returned_value


def day_window(day: date, until: time | None = None) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min)
    end = datetime.combine(day, until) if until else start + timedelta(days=1)
    return start, end


def release_totals(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> Totals:
    row = con.execute(sql("read_release_totals"), {"from_ts": start, "until_ts": end}).fetchall()[0]
    return Totals(*row)


def adjustments(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> Adjustments:
    row = con.execute(sql("read_adjustment_totals"), {"from_ts": start, "until_ts": end}).fetchall()[0]
    return Adjustments(*row)


def net(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> Net:
    t = release_totals(con, start, end)
    return Net(t.released_lists, t.goods_value_fen, adjustments(con, start, end))


def adjustments_by_site(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> dict[str, Adjustments]:
    """Every configured site, zero where nothing happened."""
    rows = con.execute(sql("read_adjustments_by_site"), {"from_ts": start, "until_ts": end}).fetchall()
    return {r[0]: Adjustments(*r[1:]) for r in rows}


def by_trade_mode(
    con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, always: tuple[str, ...] = ()
) -> dict[str, Net]:
    """Releases and their adjustments per trade mode: the modes in `always` (zero where nothing
    happened), then any other present (1210, 9610, other, unknown)."""
    rows = con.execute(sql("read_by_trade_mode"), {"from_ts": start, "until_ts": end}).fetchall()
    # a mode whose figures all moved elsewhere (a list's declaration landed) leaves zero rows
    present = {r[0]: Net(int(r[1]), int(r[2]), Adjustments(*r[3:])) for r in rows if any(r[1:])}
    return dict.fromkeys(always, Net(0, 0, Adjustments())) | present


def rejects_by_type(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> dict[str, int]:
    rows = con.execute(sql("read_rejects_by_type"), {"from_ts": start, "until_ts": end}).fetchall()
    return {t: int(n) for t, n in rows}


def release_by_site(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> list[SiteTotals]:
    rows = con.execute(sql("read_release_by_site"), {"from_ts": start, "until_ts": end}).fetchall()
    return [SiteTotals(*r) for r in rows]


@dataclass(frozen=True)
class SiteCompared:
    code: str
    name_zh: str
    name_en: str
    released_lists: int
    goods_value_fen: int
    lists_ly: int  # the same window last year
    value_fen_ly: int


def sites_against_last_year(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> list[SiteCompared]:
    """Every site's releases in [start, end) beside the same window last year, in the configured
    order: the one comparison by site that the walls, the overview and the report show."""
    now = {s.site_code: s for s in release_by_site(con, start, end)}
    ly = {s.site_code: s for s in release_by_site(con, same_time_last_year(start), same_time_last_year(end))}
    out = []
    for code, zh, en, _ in sites(con):
        a, b = now.get(code), ly.get(code)
        out.append(
            SiteCompared(
                code,
                zh,
                en,
                a.released_lists if a else 0,
                a.goods_value_fen if a else 0,
                b.released_lists if b else 0,
                b.goods_value_fen if b else 0,
            )
        )
    return out


def release_unmapped(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> tuple[int, int]:
    n, v = con.execute(sql("read_release_unmapped"), {"from_ts": start, "until_ts": end}).fetchall()[0]
    return int(n), int(v)


def release_per_minute(
    con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, site_code: str | None = None
) -> pd.DataFrame:
    """Every minute of [start, end), zero where nothing was released."""
    df = con.execute(sql("read_release_per_minute"), {"from_ts": start, "until_ts": end, "site_code": site_code}).df()
    index = pd.date_range(start, end - timedelta(minutes=1), freq="min", name="minute")
    if len(index) == 0:
        return pd.DataFrame({"released_lists": [], "goods_value_fen": []}, index=index)
    return df.set_index("minute").reindex(index, fill_value=0).astype("int64")


@dataclass(frozen=True)
class Minutes:
    """Releases in each minute of a window, from its start, zero where none: the whole city's and each site's."""

    city: np.ndarray
    sites: dict[str, np.ndarray]


def release_curves(
    con: duckdb.DuckDBPyConnection,
    today: tuple[datetime, datetime],
    last_year: tuple[datetime, datetime],
    sites: list[str],
) -> tuple[Minutes, Minutes]:
    """Every minute of the windows [start, end) `today` and `last_year`, for the city and each of
    `sites`, in one reading (what `release_per_minute` gives one window and one site at a time)."""
    params = {"from_ts": today[0], "until_ts": today[1], "ly_from_ts": last_year[0], "ly_until_ts": last_year[1]}
    rows = con.execute(sql("read_release_curves"), params | {"sites": sites}).fetchnumpy()
    out = []
    for day, (start, end) in enumerate((today, last_year)):
        minutes = max(0, (end - start) // timedelta(minutes=1))
        mine = (rows["day"] == day) & (rows["at"] < minutes)  # an end within a minute leaves that minute out
        # row 0: sites not in `sites`, counted in the city only
        grid = np.zeros((len(sites) + 1, minutes), dtype=np.int64)
        np.add.at(grid, (rows["site"][mine], rows["at"][mine]), rows["released_lists"][mine])
        out.append(Minutes(grid.sum(axis=0), {code: grid[i + 1] for i, code in enumerate(sites)}))
    return out[0], out[1]


def collector_runs(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    return con.execute(sql("read_collector_runs"), {"limit": limit}).df()


def collector_gaps(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, gap_s: float) -> list[tuple]:
    """(from, until) of every stretch in [start, end) a collector was silent for more than `gap_s`, or failed."""
    return con.execute(sql("read_collector_gaps"), {"from_ts": start, "until_ts": end, "gap_s": gap_s}).fetchall()


def backfill_ranges(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> list[tuple]:
    return con.execute(sql("read_backfill_ranges"), {"from_ts": start, "until_ts": end}).fetchall()


def simulated(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, sources: tuple[str, ...]) -> bool:
    """Whether a figure of [start, end) comes from the simulator (`sources`: the names it writes as)."""
    row = con.execute(sql("read_simulated"), {"from_ts": start, "until_ts": end, "sources": list(sources)}).fetchone()
    return bool(row[0])


def sites(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, bool]]:
    return con.execute(sql("read_sites")).fetchall()


def quarantine_recent(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    return con.execute(sql("read_quarantine_recent"), {"limit": limit}).df()


def quarantine_by_reason(con: duckdb.DuckDBPyConnection, since: datetime) -> pd.DataFrame:
    return con.execute(sql("read_quarantine_by_reason"), {"from_ts": since}).df()


def occupancy_latest(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    return con.execute(sql("read_occupancy_latest"), {"from_ts": start, "until_ts": end}).df()


def occupancy_trend(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    return con.execute(sql("read_occupancy_trend"), {"from_ts": start, "until_ts": end}).df()


@dataclass(frozen=True)
class SiteMeasures:
    """A site's measures for its screen, each measure in name order."""

    series: dict[str, list[float]]  # per minute of the last hour, oldest first
    at: datetime | None  # the newest minute of any
    last_year: dict[str, float]  # the newest value in the same hour last year


def site_measures_latest(
    con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, ly_start: datetime, ly_end: datetime
) -> dict[str, SiteMeasures]:
    """Each site's measures in [start, end] beside its newest values in [ly_start, ly_end], in one reading."""
    params = {"from_ts": start, "until_ts": end, "ly_from_ts": ly_start, "ly_until_ts": ly_end}
    series: dict[str, dict[str, list[float]]] = {}
    newest: dict[str, datetime] = {}
    ly: dict[str, dict[str, float]] = {}
    for site, measure, values, at, value_ly in con.execute(sql("read_site_measures_latest"), params).fetchall():
        series.setdefault(site, {})
        ly.setdefault(site, {})
        if values is not None:
            series[site][measure] = values
            newest[site] = max(at, newest.get(site, at))
        if value_ly is not None:
            ly[site][measure] = value_ly
    return {site: SiteMeasures(series[site], newest.get(site), ly[site]) for site in series}


def health_latest(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    return con.execute(sql("read_health_latest"), {"from_ts": start, "until_ts": end}).df()


def health_trend(con: duckdb.DuckDBPyConnection, metric: str, start: datetime, end: datetime) -> pd.DataFrame:
    return con.execute(sql("read_health_trend"), {"metric": metric, "from_ts": start, "until_ts": end}).df()


COMPONENT_COLUMNS = ["site_code", "component", "kind", "last_seen", "age_seconds", "state"]


def component_states(latest: pd.DataFrame, now: datetime, stale_after_s: float) -> pd.DataFrame:
    """One row per (site, component, kind), in that order: last seen, age, and state
    ok / stale / down. A few dozen rows: plain loops, a tenth of what pandas' group
    and merge cost on every wall refresh."""
    seen: dict[tuple, pd.Timestamp] = {}
    up: dict[tuple, list[float]] = {}
    columns = (latest[c] for c in ("site_code", "component", "kind", "metric", "value", "sampled_at"))
    for site, component, kind, metric, value, at in zip(*columns, strict=True):
        if metric == "up":
            up.setdefault((site, component), []).append(value)
        if pd.isna(site) or pd.isna(component) or pd.isna(kind) or pd.isna(at):
            continue
        key = (site, component, kind)
        seen[key] = max(seen.get(key, at), at)
    now_ts = pd.Timestamp(now)
    rows = []
    for (site, component, kind), at in sorted(seen.items(), key=lambda kv: kv[0]):
        age = round((now_ts - at).total_seconds(), 1)
        for value in up.get((site, component), [None]):
            state = "stale" if age > stale_after_s else "down" if value == 0 else "ok"
            rows.append((site, component, kind, at, age, state))
    return pd.DataFrame(rows, columns=COMPONENT_COLUMNS)


@dataclass(frozen=True)
class Latency:
    lists: int
    median_s: float | None
    p95_s: float | None


def release_latency(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> dict[str | None, Latency]:
    """Declaration-to-release time per site of the lists released in the whole
    minutes [start, end); the key None holds all sites."""
    h = con.execute(sql("read_release_latency"), {"from_ts": start, "until_ts": end}).fetchnumpy()
    seconds, counts = h["latency_cs"] / 100, h["lists"]
    site = h["site_code"]
    if not len(site):
        return {}
    names = np.ma.getdata(site).astype(object)
    names[np.ma.getmaskarray(site)] = None  # all sites
    # rows come ordered by site, then time: each site is one run
    edges = [0, *(np.flatnonzero(names[1:] != names[:-1]) + 1).tolist(), len(names)]
    out: dict[str | None, Latency] = {}
    for a, b in zip(edges, edges[1:]):
        v, n = seconds[a:b], counts[a:b]
        out[names[a]] = Latency(int(n.sum()), quantile_cont(v, n, 0.5), quantile_cont(v, n, 0.95))
    return out


def quantile_cont(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """DuckDB's quantile_cont of `values` (ascending) each taken `counts` times:
    the q-th of them, interpolated between the two nearest ranks."""
    ends = np.cumsum(counts)  # one past the last rank of each value
    rank = (int(ends[-1]) - 1) * q
    low = int(np.floor(rank))
    a = values[np.searchsorted(ends, low, side="right")]
    b = values[np.searchsorted(ends, min(low + 1, int(ends[-1]) - 1), side="right")]
    return float(a + (rank - low) * (b - a))


@dataclass(frozen=True)
class OpenLists:
    lists: int
    oldest_since: datetime | None


def open_lists(
    con: duckdb.DuckDBPyConnection, since: datetime, now: datetime
) -> dict[tuple[str | None, str], OpenLists]:
    """Lists in manual review ('review') or held ('hold') at `now`, keyed by
    (site, kind); site None holds all sites."""
    rows = con.execute(sql("read_open_lists"), {"from_ts": since, "now": now}).fetchall()
    return {(site, kind): OpenLists(int(n), oldest) for site, kind, n, oldest in rows}


def receipts_by_status(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    return con.execute(sql("read_receipts_by_status"), {"from_ts": start, "until_ts": end}).df()


def receipt_counts(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> dict[tuple[str, int], int]:
    """`receipts_by_status` as (site, status) -> receipts."""
    rows = con.execute(sql("read_receipts_by_status"), {"from_ts": start, "until_ts": end}).fetchall()
    return {(site, int(status)): int(n) for site, status, n in rows}


def release_per_minute_by_site(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    """Every minute of [start, end) as rows, one column per site, zero where nothing was released."""
    df = con.execute(sql("read_release_per_minute_by_site"), {"from_ts": start, "until_ts": end}).df()
    index = pd.date_range(start, end - timedelta(minutes=1), freq="min", name="minute")
    wide = df.pivot_table(index="minute", columns="site_code", values="released_lists", aggfunc="sum")
    return wide.reindex(index, fill_value=0).fillna(0).astype("int64")


def release_by_platform(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    return con.execute(sql("read_release_by_platform"), {"from_ts": start, "until_ts": end}).df()


def release_by_category(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> pd.DataFrame:
    return con.execute(sql("read_release_by_category"), {"from_ts": start, "until_ts": end}).df()


def digest_done(con: duckdb.DuckDBPyConnection, job: str, due_at: datetime) -> bool:
    return bool(con.execute(sql("read_digest_done"), {"job": job, "due_at": due_at}).fetchall()[0][0])


def digest_runs(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    return con.execute(sql("read_digest_runs"), {"limit": limit}).df()


def release_coverage(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> tuple[int, datetime | None]:
    days, first = con.execute(sql("read_release_coverage"), {"from_ts": start, "until_ts": end}).fetchall()[0]
    return int(days), first


def alert_transitions(con: duckdb.DuckDBPyConnection, limit: int = 100) -> pd.DataFrame:
    return con.execute(sql("read_alert_transitions"), {"limit": limit}).df()


def alert_deliveries(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    return con.execute(sql("read_alert_deliveries"), {"limit": limit}).df()


def alert_rule_changes(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    return con.execute(sql("read_alert_rule_changes"), {"limit": limit}).df()


@dataclass(frozen=True)
class DistrictDays:
    """A district's figures over some days, as its Parquet exports hold them."""

    district: str
    days: int
    net: Net
    valued_lists: int
    format_rejects: int


def exported_files(root: Path, table: str, first: date, last: date) -> list[str]:
    """One exported table's files over every district for the days [first, last] under `root`
    (core/exports.py): each day's folders are listed, never the whole year's."""
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return sorted(str(f) for d in days for f in root.glob(f"district=*/date={d.isoformat()}/{table}.parquet"))


def national_by_district(con: duckdb.DuckDBPyConnection, root: Path, first: date, last: date) -> list[DistrictDays]:
    """Each district's figures over [first, last] from the exports under `root`; none exported: []."""
    files = exported_files(root, "day_total", first, last)
    if not files:
        return []
    out = []
    for district, days, lists, value, valued, *adj, rejects in con.execute(
        sql("national_by_district"), {"files": files}
    ).fetchall():
        out.append(DistrictDays(district, days or 0, Net(lists, value, Adjustments(*adj)), valued, rejects))
    return out


def national_loaded(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, date], tuple[int, int]]:
    """The national table's loaded days: (district, day) -> (inode, mtime_ns) of the file read."""
    return {(d, day): (ino, mt) for d, day, ino, mt in con.execute(sql("national_day_total_loaded")).fetchall()}


def national_forget(con: duckdb.DuckDBPyConnection, keys: list[tuple[str, date]]) -> None:
    if keys:
        con.execute(
            sql("national_day_total_delete"), {"districts": [k[0] for k in keys], "dates": [k[1] for k in keys]}
        )


def national_load(con: duckdb.DuckDBPyConnection, found: list[tuple[str, date, int, int, str]]) -> None:
    """Loads day_total files: (district, day, inode, mtime_ns, path) each."""
    if found:
        districts, dates, inodes, mtimes, files = (list(c) for c in zip(*found))
        con.execute(
            sql("national_day_total_load"),
            {"districts": districts, "dates": dates, "inodes": inodes, "mtimes": mtimes, "files": files},
        )


def national_by_district_loaded(con: duckdb.DuckDBPyConnection, first: date, last: date) -> list[DistrictDays]:
    """Each district's figures over [first, last] from the national table; none loaded: []."""
    out = []
    for district, days, lists, value, valued, *adj, rejects in con.execute(
        sql("national_by_district_loaded"), {"first": first, "last": last}
    ).fetchall():
        out.append(DistrictDays(district, days or 0, Net(lists, value, Adjustments(*adj)), valued, rejects))
    return out
