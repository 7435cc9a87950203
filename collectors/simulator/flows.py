"""Parcels into and out of the warehouses, and each site's own figures, minute by minute.

A warehouse's used area follows what is shelved (inflow) minus what is released
and leaves (outflow), bounded by its area, so a promotion night empties the
busiest warehouses while the shelving shifts refill them. The site figures come
from the same flows and the day's plan: 梅山's shelving speed and 48-hour
delivery, 栎社's flights and air waybills of the night, 杭州湾新区's in-warehouse
time and sorter throughput. Everything is drawn per (seed, day), so any sampling
interval, a restart or a back-fill gives the same values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from base.config import Config
from collectors.records import SCHEMAS
from collectors.simulator.generator import US, Generator, day_start_us
from collectors.simulator.model import PATH_SHARE, PATHS, DayPlan

MINUTES = 1440
# ASSUMPTION: floor area the goods of one stored parcel take, racks and aisles included
PARCEL_M2 = 0.005
# the share of declared lists that are released and leave the warehouse
RELEASED_SHARE = float(PATH_SHARE[PATHS.index("release")] + PATH_SHARE[PATHS.index("manual")])
# ASSUMPTION: parcels shelved over a day per parcel released; stock is built up
# before a promotion, so its day ships out much more than comes in
SHELVED_PER_RELEASED = {"promotion": 0.5, "ordinary": 1.0}
# ASSUMPTION: shelving works two shifts (08:00-24:00) and a thin night crew; weight per hour
SHELVING_HOURS = np.array([0.3] * 8 + [1.0] * 16)
START_RATIO = (0.55, 0.80)  # a warehouse's used share at the start of a day (the fullest below 90%)
# ASSUMPTION: 48-hour delivery falls by up to this much for parcels released at a peak
DELIVERY_PEAK_DROP = 0.06
# ASSUMPTION: cargo flights landing at 栎社 in a night (18:00 to 18:00), and the share of
# the site's direct-purchase parcels of a day that fly in during its night
FLIGHTS_PER_NIGHT = {"promotion": 10, "ordinary": 4}
NIGHT_AIR_SHARE = 0.55
NIGHT_STARTS_HOUR = 18
# ASSUMPTION: minutes a parcel spends in the automated warehouse (order to dispatch) this
# year at a quiet hour; it grows with the load; last year's were slower by the published cut
IN_WAREHOUSE_MINUTES = 36.0
IN_WAREHOUSE_LOAD = 0.15
# ASSUMPTION: two cross-belt sorters of 18,000 parcels an hour each
SORTER_PARCELS_PER_HOUR = 36_000.0
SMOOTH_MINUTES = 15  # a speed is the mean of the trailing quarter hour
KEEP_DAYS = 6  # days kept drawn: a back-fill walks through a month, one day after another


@dataclass(frozen=True)
class DayFlows:
    shelved: np.ndarray  # (warehouses, 1440) parcels shelved in each minute
    released: np.ndarray  # (warehouses, 1440) parcels released and leaving in each minute
    used_m2: np.ndarray  # (warehouses, 1441) used area at the start of each minute and at the day's end


def _trailing_mean(x: np.ndarray, k: int = SMOOTH_MINUTES) -> np.ndarray:
    c = np.cumsum(np.concatenate([[0.0], x]))
    n = np.minimum(np.arange(1, len(x) + 1), k)
    return (c[1:] - c[np.arange(1, len(x) + 1) - n]) / n


def level(start_m2: np.ndarray, inflow_m2: np.ndarray, outflow_m2: np.ndarray, area_m2: np.ndarray) -> np.ndarray:
    """Used area at the start of each minute and after the last: the start plus
    what came in minus what went out, never below empty nor above the area."""
    out = np.empty((len(start_m2), inflow_m2.shape[1] + 1))
    out[:, 0] = np.clip(start_m2, 0, area_m2)
    for m in range(inflow_m2.shape[1]):
        out[:, m + 1] = np.clip(out[:, m] + inflow_m2[:, m] - outflow_m2[:, m], 0, area_m2)
    return out


class Flows:
    """The days' flows and site figures of one simulator, drawn once per day."""

    def __init__(self, config: Config, gen: Generator, plan_for: Callable[[date], DayPlan]):
        self.config, self.gen, self.plan_for = config, gen, plan_for
        self.seed = gen.seed
        self.area = np.array([w.area_m2 for w in config.warehouses], float)
        rng = np.random.default_rng([self.seed, 11])
        self.start_ratio = rng.uniform(*START_RATIO, len(self.area))
        self._days: dict[DayPlan, DayFlows] = {}
        self._measures: dict[DayPlan, dict[tuple[str, str], np.ndarray]] = {}

    def _site_share(self, plan: DayPlan) -> np.ndarray:
        return self.gen.site_share if plan.site_share is None else np.array(plan.site_share)

    def day(self, d: date) -> DayFlows:
        plan = self.plan_for(d)
        if plan not in self._days:
            _bound(self._days)
            self._days[plan] = self._draw(plan)
        return self._days[plan]

    def _draw(self, plan: DayPlan) -> DayFlows:
        n = len(self.area)
        counts = self.gen.minute_counts(plan).astype(float)
        share = self._site_share(plan)
        hours = np.repeat(SHELVING_HOURS, 60)
        # a minute's shelving varies with the trucks unloaded: its own stream per day and site
        rng = np.random.default_rng([self.seed, plan.day.toordinal(), 23])
        released = np.zeros((n, MINUTES))
        shelved = np.zeros((n, MINUTES))
        for s, ws in enumerate(self.gen.site_warehouses):
            if not len(ws):
                continue
            site_out = counts * share[s] * RELEASED_SHARE
            shape = hours * rng.lognormal(0.0, 0.25, MINUTES)
            site_in = shape / shape.sum() * site_out.sum() * SHELVED_PER_RELEASED.get(plan.kind, 1.0)
            weights = self.gen.warehouse_weights[s]
            released[ws] = np.outer(weights, site_out)
            shelved[ws] = np.outer(weights, site_in)
        used = level(self.start_ratio * self.area, shelved * PARCEL_M2, released * PARCEL_M2, self.area)
        return DayFlows(shelved, released, used)

    # -- occupancy -----------------------------------------------------------------
    def used_m2(self, times_us: np.ndarray) -> np.ndarray:
        """(warehouses, times): used area at each time, between the minutes' levels."""
        out = np.empty((len(self.area), len(times_us)))
        days = (times_us // (86400 * US)).astype(np.int64)
        for day_us in np.unique(days):
            at = days == day_us
            d = date(1970, 1, 1) + timedelta(days=int(day_us))
            used = self.day(d).used_m2
            pos = (times_us[at] - day_start_us(d)) / (60 * US)
            lo = np.clip(np.floor(pos).astype(int), 0, MINUTES)
            hi = np.minimum(lo + 1, MINUTES)
            frac = pos - lo
            out[:, at] = used[:, lo] * (1 - frac) + used[:, hi] * frac
        return out

    # -- the sites' own figures --------------------------------------------------------
    def measures(self, times_us: np.ndarray) -> pa.Table:
        """Every site measure at each minute start in `times_us`."""
        cols: dict[str, list] = {"sampled_at": [], "site_code": [], "measure": [], "value": []}
        minutes = times_us - times_us % (60 * US)
        days = (minutes // (86400 * US)).astype(np.int64)
        for day_us in np.unique(days):
            at = minutes[days == day_us]
            d = date(1970, 1, 1) + timedelta(days=int(day_us))
            idx = ((at - day_start_us(d)) // (60 * US)).astype(int)
            for (site, measure), values in self._day_measures(d).items():
                cols["sampled_at"].append(at)
                cols["site_code"].append(np.full(len(at), site, object))
                cols["measure"].append(np.full(len(at), measure, object))
                cols["value"].append(values[idx])
        if not cols["value"]:
            return SCHEMAS["site_measure"].empty_table()
        return pa.table(
            {
                "sampled_at": pa.array(np.concatenate(cols["sampled_at"]).astype("datetime64[us]")),
                "site_code": pa.array(np.concatenate(cols["site_code"]), pa.string()),
                "measure": pa.array(np.concatenate(cols["measure"]), pa.string()),
                "value": np.concatenate(cols["value"]),
            }
        )

    def _load(self, d: date) -> np.ndarray:
        """Each minute's pace as a share of the day's busiest minute (0..1)."""
        w = self.plan_for(d).minute_weights()
        return w / w.max()

    def _day_measures(self, d: date) -> dict[tuple[str, str], np.ndarray]:
        plan = self.plan_for(d)
        if plan in self._measures:
            return self._measures[plan]
        sim = self.config.simulator
        sites = [s.code for s in self.config.sites]
        flows = self.day(d)
        rng = np.random.default_rng([self.seed, d.toordinal(), 48])
        out: dict[tuple[str, str], np.ndarray] = {}
        for s, code in enumerate(sites):
            ws = self.gen.site_warehouses[s]
            if len(ws):
                shelved = flows.shelved[ws].sum(axis=0)
                out[(code, "shelved_parcels_per_hour")] = np.round(_trailing_mean(shelved) * 60)
        if "meishan" in sites:
            # parcels released 48 hours ago: fewer delivered in time when they left at a peak
            before = self._load(d - timedelta(days=2))
            share = sim.delivered_48h_share - DELIVERY_PEAK_DROP * before + rng.normal(0, 0.003, MINUTES)
            out[("meishan", "delivered_48h_ratio")] = np.round(np.clip(share, 0, 1), 4)
        if "lishe" in sites:
            flights, waybills = self._night(d, sites.index("lishe"))
            out[("lishe", "flights_landed_count")] = flights
            out[("lishe", "air_waybills_count")] = waybills
        if "hzw" in sites:
            s = sites.index("hzw")
            base = IN_WAREHOUSE_MINUTES / (1 - sim.in_warehouse_time_cut) if plan.last_year else IN_WAREHOUSE_MINUTES
            noise = rng.normal(0, 0.015, MINUTES)
            minutes = base * (1 + IN_WAREHOUSE_LOAD * self._load(d)) * (1 + noise)
            out[("hzw", "in_warehouse_minutes")] = np.round(minutes, 1)
            automated = [i for i in self.gen.site_warehouses[s] if self.config.warehouses[i].automated]
            demand = flows.released[automated].sum(axis=0) if automated else np.zeros(MINUTES)
            out[("hzw", "sorter_parcels_per_hour")] = np.round(_trailing_mean(_sorted(demand)) * 60)
        _bound(self._measures)
        self._measures[plan] = out
        return out

    def _night(self, d: date, site: int) -> tuple[np.ndarray, np.ndarray]:
        """Flights landed and their air waybills since the night began (18:00), at each minute of `d`."""
        flights = np.zeros(MINUTES)
        waybills = np.zeros(MINUTES)
        minute = np.arange(MINUTES)
        # before 18:00 the night that began yesterday; from 18:00 the one ending tomorrow
        for ends, part in (
            (d, minute < NIGHT_STARTS_HOUR * 60),
            (d + timedelta(days=1), minute >= NIGHT_STARTS_HOUR * 60),
        ):
            landed_at, carried = self._flights(ends, site)
            # minutes since the night began: the night ending on `ends` began at 18:00 the day before
            since = minute[part] + (24 * 60 if ends == d else 0) - NIGHT_STARTS_HOUR * 60
            k = np.searchsorted(landed_at, since, side="right")
            flights[part] = k
            waybills[part] = np.concatenate([[0], np.cumsum(carried)])[k]
        return flights, waybills

    def _flights(self, ends: date, site: int) -> tuple[np.ndarray, np.ndarray]:
        """The night ending on `ends`: landing minutes after 18:00 the day before, sorted, and
        the air waybills each flight carries."""
        plan = self.plan_for(ends)
        rng = np.random.default_rng([self.seed, ends.toordinal(), 31])
        n = max(1, FLIGHTS_PER_NIGHT.get(plan.kind, 4) + int(rng.integers(-1, 2)))
        landed = np.sort(rng.uniform(2 * 60, 11.5 * 60, n))  # 20:00 to 05:30
        parcels = plan.declared_lists * self._site_share(plan)[site] * NIGHT_AIR_SHARE
        return landed, np.round(rng.dirichlet(np.full(n, 4.0)) * parcels)


def _bound(cache: dict) -> None:
    """Forgets the oldest days drawn, so a month of back-fill holds a few days at a time."""
    while len(cache) >= KEEP_DAYS:
        cache.pop(next(iter(cache)))


def _sorted(demand: np.ndarray) -> np.ndarray:
    """Parcels the sorters put through each minute: what waits, up to their capacity."""
    cap = SORTER_PARCELS_PER_HOUR / 60
    out = np.empty(len(demand))
    waiting = 0.0
    for m, x in enumerate(demand):
        waiting += x
        out[m] = min(waiting, cap)
        waiting -= out[m]
    return out
