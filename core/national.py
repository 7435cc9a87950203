"""The national tier's figures: each district's live counters, alerts and freshness
from a Prometheus that federates the districts, and their days from the folder of
their Parquet exports. One live snapshot per interval serves every screen."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import httpx

from base.clock import same_time_last_year
from base.config import District, NationalConfig
from collectors.prometheus_scrape.api import instant
from queries import read
from queries.store import Store, transaction

# PromQL over the federated series (every one labelled `district`). A stopped
# district's series go stale at once; last_over_time keeps its last figures in view.
LOOKBACK = "1h"
QUERIES = {
    "lists": f"sum by (district) (last_over_time(cbec_released_lists_total[{LOOKBACK}]))",
    "value": f"sum by (district) (last_over_time(cbec_released_goods_value_cny_total[{LOOKBACK}]))",
    "alerts": 'sum by (district) (cbec_alerts{state="firing"})',
    # freshness from a series every district exposes exactly once (an unlabelled gauge),
    # so the 1 s subquery costs one series per district, not one per site and platform
    "seen": "max by (district) (timestamp(cbec_wall_streams_open))",
    "last_seen": f"max by (district) (max_over_time(timestamp(cbec_wall_streams_open)[{LOOKBACK}:1s]))",
}


@dataclass(frozen=True)
class DistrictLive:
    district: District
    released_lists: int | None  # the district's counters as last scraped; None: never seen
    goods_value_cny: float | None
    alerts_firing: int
    age_seconds: float | None  # since the last sample Prometheus holds; None: none within the lookback
    stale: bool


@dataclass(frozen=True)
class Live:
    at: float  # Unix time of the snapshot
    districts: tuple[DistrictLive, ...]
    error: str = ""  # Prometheus did not answer: every district is shown stale

    @property
    def released_lists(self) -> int:
        return sum(d.released_lists or 0 for d in self.districts)

    @property
    def goods_value_cny(self) -> float:
        return sum(d.goods_value_cny or 0 for d in self.districts)


def live(cfg: NationalConfig, timeout_s: float = 5.0) -> Live:
    """Each configured district's live figures, read now from Prometheus."""
    now = time.time()
    try:
        with httpx.Client(base_url=cfg.prometheus_url, timeout=timeout_s, trust_env=False) as client:
            got = {
                name: {labels.get("district", ""): value for labels, value in instant(client, expr)}
                for name, expr in QUERIES.items()
            }
    except (httpx.HTTPError, ValueError) as e:
        out = tuple(DistrictLive(d, None, None, 0, None, True) for d in cfg.districts)
        return Live(now, out, f"{type(e).__name__}: {e}")
    out = []
    for d in cfg.districts:
        seen = got["seen"].get(d.code)  # absent once the district's series went stale
        last = seen if seen is not None else got["last_seen"].get(d.code)
        age = max(0.0, now - last) if last is not None else None
        lists = got["lists"].get(d.code)
        out.append(
            DistrictLive(
                district=d,
                released_lists=round(lists) if lists is not None else None,
                goods_value_cny=got["value"].get(d.code),
                alerts_firing=round(got["alerts"].get(d.code, 0)),
                age_seconds=age,
                stale=seen is None or age is None or age > cfg.stale_after_seconds,
            )
        )
    return Live(now, tuple(out))


class SharedLive:
    """One live snapshot per `every` seconds for all sessions, read by whoever asks first."""

    def __init__(self, cfg: NationalConfig, every: float):
        self.cfg, self.every = cfg, every
        self._lock = threading.Lock()
        self._snapshot: Live | None = None

    def get(self) -> Live:
        with self._lock:
            if self._snapshot is None or time.time() - self._snapshot.at >= self.every:
                self._snapshot = live(self.cfg)
            return self._snapshot


@dataclass(frozen=True)
class DistrictDay:
    """A district's exported figures over some days beside the same days of last year."""

    district: District
    days: int  # days exported in the window; 0: none
    now: read.Net
    last_year: read.Net | None  # None: last year's days not exported
    valued_lists: int
    format_rejects: int

    @property
    def lists_change(self) -> float | None:
        ly = self.last_year
        return None if ly is None or not ly.released_lists else self.now.released_lists / ly.released_lists - 1

    @property
    def value_change(self) -> float | None:
        ly = self.last_year
        return None if ly is None or not ly.goods_value_fen else self.now.goods_value_fen / ly.goods_value_fen - 1


def days(cfg: NationalConfig, first: date, last: date, totals: DayTotals | None = None) -> list[DistrictDay]:
    """Every configured district's figures over [first, last] from the exports, ranked by
    released lists; a district that exported nothing there is listed last with zeros.
    With `totals` (the national runtime's), from its table, refreshed first; without,
    from the window's files."""
    ly_first = same_time_last_year(datetime.combine(first, datetime.min.time())).date()
    ly_last = same_time_last_year(datetime.combine(last, datetime.min.time())).date()
    if totals is not None:
        totals.refresh()
        with totals.store.reading() as con:
            now = {d.district: d for d in read.national_by_district_loaded(con, first, last)}
            ly = {d.district: d for d in read.national_by_district_loaded(con, ly_first, ly_last)}
    else:
        con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": True})
        try:
            now = {d.district: d for d in read.national_by_district(con, cfg.exports, first, last)}
            ly = {d.district: d for d in read.national_by_district(con, cfg.exports, ly_first, ly_last)}
        finally:
            con.close()
    empty = read.Net(0, 0, read.Adjustments())
    out = []
    for d in cfg.districts:
        n, before = now.get(d.code), ly.get(d.code)
        out.append(
            DistrictDay(
                district=d,
                days=n.days if n else 0,
                now=n.net if n else empty,
                last_year=before.net if before and before.days else None,
                valued_lists=n.valued_lists if n else 0,
                format_rejects=n.format_rejects if n else 0,
            )
        )
    return sorted(out, key=lambda x: (x.days == 0, -x.now.released_lists, x.district.code))


def exported_day_totals(root: Path) -> dict[tuple[str, date], tuple[int, int, str]]:
    """Every exported day's day_total file under `root`: (district, day) -> (inode, mtime_ns, path).
    Only `date=` folders, which a day enters whole (core/exports.py): never a staging folder."""
    found: dict[tuple[str, date], tuple[int, int, str]] = {}
    try:
        districts = [e for e in os.scandir(root) if e.name.startswith("district=") and e.is_dir()]
    except FileNotFoundError:
        return found
    for district in districts:
        code = district.name.removeprefix("district=")
        try:
            entries = list(os.scandir(district.path))
        except FileNotFoundError:
            continue
        for e in entries:
            if not e.name.startswith("date="):
                continue
            try:
                day = date.fromisoformat(e.name.removeprefix("date="))
                path = os.path.join(e.path, "day_total.parquet")
                st = os.stat(path)
            except (ValueError, FileNotFoundError, NotADirectoryError):
                continue
            found[(code, day)] = (st.st_ino, st.st_mtime_ns, path)
    return found


class DayTotals:
    """The national runtime's table of the districts' day_total rows (national_day_total),
    kept equal to the exports: each refresh lists the day folders and loads only the days
    whose file is new or changed, and drops the days whose folder went. The first refresh
    of a cold store loads every day once."""

    def __init__(self, store: Store, root: Path):
        self.store, self.root = store, root
        self._loaded: dict[tuple[str, date], tuple[int, int]] | None = None

    def refresh(self, attempts: int = 3) -> tuple[int, int]:
        """Days loaded and dropped. A day swapped while being read is read again."""
        with self.store.write_lock:
            con = self.store.writer
            if self._loaded is None:
                self._loaded = read.national_loaded(con)
            for attempt in range(attempts):
                found = exported_day_totals(self.root)
                changed = [(k, v) for k, v in found.items() if self._loaded.get(k) != v[:2]]
                gone = [k for k in self._loaded if k not in found]
                if not changed and not gone:
                    return 0, 0
                try:
                    with transaction(con):
                        read.national_forget(con, gone + [k for k, _ in changed])
                        read.national_load(con, [(*k, *v) for k, v in changed])
                except duckdb.IOException:  # a file went between the listing and the read
                    if attempt == attempts - 1:
                        raise
                    continue
                for k in gone:
                    del self._loaded[k]
                self._loaded.update((k, v[:2]) for k, v in changed)
                return len(changed), len(gone)
        return 0, 0


def latest_day(cfg: NationalConfig, today: date, back: int = 7) -> date | None:
    """The latest whole day before `today` that any district exported, within `back` days."""
    for i in range(1, back + 1):
        d = today - timedelta(days=i)
        if any(cfg.exports.glob(f"district=*/date={d.isoformat()}/release_minute.parquet")):
            return d
    return None
