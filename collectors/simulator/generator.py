"""Vectorised generation of a simulated day, minute by minute.

Every minute of every day draws from its own random stream, seeded by
(seed, day, minute), so batch, replay and live modes produce the same lists
whatever the chunking. Lists are numeric arrays until `render_*` turns them
into typed record tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from base.config import Config
from collectors.simulator import model
from collectors.simulator.columns import (
    LINE_QTY_SHARE,
    MAX_LINES,
    code_column,
    coded,
    line_mask,
    per_line,
    site_trade_modes,
    yuan,
)
from collectors.simulator.model import PATHS, DayPlan

US = 1_000_000
EBC_PER_PLATFORM = 12
EPOCH = datetime(1970, 1, 1)

STATUS_INFO = {
    2: "[Code:2100;Desc:电子口岸已暂存]",
    4: "[Code:4100;Desc:发送海关失败]",
    100: "[Code:1000;Desc:海关退单]",
    120: "[Code:1200;Desc:海关入库]",
    300: "[Code:3000;Desc:人工审核]",
    500: "[Code:5000;Desc:查验]",
    501: "[Code:5010;Desc:扣留移送通关]",
    502: "[Code:5020;Desc:扣留移送缉私]",
    599: "[Code:5990;Desc:其他扣留]",
    700: "[Code:7000;Desc:退运]",
    800: "[Code:2600;Desc:放行]",
    899: "[Code:8990;Desc:结关]",
    -1: "[Code:-1;Desc:处理失败]",
}


def to_us(t: datetime) -> int:
    return (t - EPOCH) // timedelta(microseconds=1)


def day_start_us(d: date) -> int:
    return to_us(datetime(d.year, d.month, d.day))


@dataclass(frozen=True)
class Knobs:
    """Fault switches that change what the generator draws."""

    review_backlog: bool = False  # three times as many lists go to manual review
    error_receipts: bool = False  # a third of the lists fail: rejects, send failures, processing errors


@dataclass
class Lists:
    """Numeric arrays for a set of lists, one entry a list."""

    day: np.ndarray  # date ordinal
    seq: np.ndarray  # index within the day
    declared_us: np.ndarray
    site: np.ndarray
    platform: np.ndarray
    ebc: np.ndarray
    warehouse: np.ndarray
    category: np.ndarray
    lines: np.ndarray
    value_fen: np.ndarray  # the sum of the lines' totals
    line_price_fen: np.ndarray  # (lists, MAX_LINES): unit price of each line, 0 past the last
    line_qty: np.ndarray  # (lists, MAX_LINES): pieces of each line, 0 past the last


@dataclass
class Receipts:
    """Numeric receipts: which list (index into a Lists), status and time."""

    idx: np.ndarray
    status: np.ndarray
    time_us: np.ndarray


def select(
    lists: Lists, receipts: Receipts, keep_lists: np.ndarray, keep_receipts: np.ndarray
) -> tuple[Lists, Receipts]:
    """The lists where `keep_lists`, and their receipts where `keep_receipts`."""
    if keep_lists.all():  # the lists as they are, not a copy
        return lists, Receipts(
            receipts.idx[keep_receipts], receipts.status[keep_receipts], receipts.time_us[keep_receipts]
        )
    kept = Lists(*[getattr(lists, f)[keep_lists] for f in Lists.__dataclass_fields__])
    ok = keep_lists[receipts.idx] & keep_receipts
    remap = np.cumsum(keep_lists) - 1
    return kept, Receipts(remap[receipts.idx[ok]], receipts.status[ok], receipts.time_us[ok])


@dataclass
class Generator:
    config: Config
    seed: int
    knobs: Knobs = field(default_factory=Knobs)

    def __post_init__(self) -> None:
        c = self.config
        self.site_share = np.array([s.volume_share for s in c.sites])
        self.platform_share = np.array([p.volume_share for p in c.platforms])
        self.category_codes = [code for code in model.CATEGORY_SHARE]
        self.category_share = np.array(list(model.CATEGORY_SHARE.values()))
        self.site_warehouses = [np.array([i for i, w in enumerate(c.warehouses) if w.site == s.code]) for s in c.sites]
        rng = np.random.default_rng([self.seed, 7])
        # fixed, uneven weights of the warehouses within each site
        self.warehouse_weights = [
            rng.dirichlet(np.full(len(ws), 3.0)) if len(ws) else ws for ws in self.site_warehouses
        ]
        self._counts: dict[DayPlan, np.ndarray] = {}

    # -- how many lists each minute ------------------------------------------
    def plan(self, d: date, kind: str, last_year: bool = False) -> DayPlan:
        """The day's plan: this year's figures, or with `last_year` last year's
        (its own size, value a list, site shares and promotion curve)."""
        sim = self.config.simulator
        if not last_year:
            if kind == "promotion":
                return DayPlan(d, kind, model.promotion_day_lists(sim.promotion_released_by_14h))
            return DayPlan(d, kind, float(sim.ordinary_day_lists))
        shares = dict(sim.last_year_site_share)
        site_share = tuple(shares.get(s.code, 0.0) for s in self.config.sites) if shares else None
        if kind == "promotion":
            lists = model.last_year_promotion_day_lists(sim.last_year_promotion_lists)
            value = sim.last_year_promotion_value_cny / sim.last_year_promotion_lists
        else:
            # what the year leaves after its promotion days, spread over its other days
            n = len(sim.promotion_days)
            year_lists = sim.last_year_total_lists - n * sim.last_year_promotion_lists
            year_value = sim.last_year_total_value_cny - n * sim.last_year_promotion_value_cny
            lists, value = year_lists / (365 - n), year_value / year_lists
        return DayPlan(d, kind, lists, value, site_share, last_year=True)

    def minute_counts(self, plan: DayPlan) -> np.ndarray:
        if plan not in self._counts:
            rng = np.random.default_rng([self.seed, plan.day.toordinal(), 99_999])
            self._counts[plan] = rng.poisson(plan.minute_weights() * plan.declared_lists)
        return self._counts[plan]

    # -- lists and their receipts --------------------------------------------
    def minutes(self, plan: DayPlan, first: int, last: int) -> tuple[Lists, Receipts]:
        """Lists declared in minutes [first, last) of the plan's day, with all their receipts."""
        counts = self.minute_counts(plan)
        offsets = np.concatenate([[0], np.cumsum(counts)])
        parts = [self._minute(plan, m, counts[m], offsets[m]) for m in range(first, last) if counts[m]]
        if not parts:
            return _empty_lists(), Receipts(np.array([], np.int64), np.array([], np.int16), np.array([], np.int64))
        shift = np.cumsum([0] + [len(p[0].seq) for p in parts[:-1]])
        joined = {}
        for f in Lists.__dataclass_fields__:
            joined[f] = np.concatenate([getattr(p[0], f) for p in parts])
            for p in parts:  # each minute's column let go once joined: a chunk's arrays are not held twice
                setattr(p[0], f, None)
        lists = Lists(**joined)
        receipts = Receipts(
            np.concatenate([p[1].idx + s for p, s in zip(parts, shift)]),
            np.concatenate([p[1].status for p in parts]),
            np.concatenate([p[1].time_us for p in parts]),
        )
        return lists, receipts

    def _minute(self, plan: DayPlan, minute: int, n: int, first_seq: int) -> tuple[Lists, Receipts]:
        rng = np.random.default_rng([self.seed, plan.day.toordinal(), minute])
        start = day_start_us(plan.day) + minute * 60 * US
        declared = np.sort(start + rng.integers(0, 60 * US, n))
        site_share = self.site_share if plan.site_share is None else np.array(plan.site_share)
        site = rng.choice(len(site_share), n, p=site_share)
        platform = rng.choice(len(self.platform_share), n, p=self.platform_share)
        ebc = platform * EBC_PER_PLATFORM + rng.integers(0, EBC_PER_PLATFORM, n)
        warehouse = np.empty(n, np.int64)
        u = rng.random(n)
        for s, ws in enumerate(self.site_warehouses):
            mask = site == s
            if len(ws):
                cdf = np.cumsum(self.warehouse_weights[s])
                warehouse[mask] = ws[np.minimum(np.searchsorted(cdf, u[mask]), len(ws) - 1)]
            else:
                warehouse[mask] = -1
        category = rng.choice(len(self.category_share), n, p=self.category_share)
        lines = 1 + np.minimum(rng.poisson(model.LINES_EXTRA_MEAN, n), MAX_LINES - 1)
        # lognormal line values with the calibrated mean per list
        mean_line = plan.mean_list_value_cny / (1 + model.LINES_EXTRA_MEAN)
        mu = np.log(mean_line) - model.LINE_VALUE_SIGMA**2 / 2
        line_cny = np.stack([rng.lognormal(mu, model.LINE_VALUE_SIGMA, n) for _ in range(MAX_LINES)], axis=1)
        # pieces per line from a stream of their own, so the draws above stay as they were
        qty = np.random.default_rng([self.seed, plan.day.toordinal(), minute, 621]).choice(
            np.arange(1, len(LINE_QTY_SHARE) + 1), (n, MAX_LINES), p=LINE_QTY_SHARE
        )
        has = line_mask(lines)
        # a whole unit price in fen, at least a yuan, so price x pieces is the line total exactly
        price_fen = np.where(has, np.maximum(np.round(line_cny * 100 / qty), 100), 0).astype(np.int64)
        qty = np.where(has, qty, 0)
        value_fen = (price_fen * qty).sum(axis=1)
        lists = Lists(
            np.full(n, plan.day.toordinal()),
            first_seq + np.arange(n),
            declared,
            site,
            platform,
            ebc,
            warehouse,
            category,
            lines,
            value_fen,
            price_fen,
            qty,
        )
        return lists, self._receipts(rng, declared)

    def _receipts(self, rng: np.random.Generator, declared: np.ndarray) -> Receipts:
        n = len(declared)
        share = model.PATH_SHARE.copy()
        if self.knobs.review_backlog:
            share[PATHS.index("manual")] *= 3
        if self.knobs.error_receipts:
            share[[PATHS.index(p) for p in ("reject", "send_fail", "proc_error")]] *= 45
        share /= share.sum()
        path = rng.choice(len(PATHS), n, p=share)

        def lag(params: tuple[float, float]) -> np.ndarray:
            median, sigma = params
            return (rng.lognormal(np.log(median), sigma, n) * US).astype(np.int64)

        idx, status, times = [], [], []

        def emit(mask: np.ndarray, code: int, t: np.ndarray) -> None:
            sel = np.nonzero(mask)[0]
            idx.append(sel)
            status.append(np.full(len(sel), code, np.int16))
            times.append(t[sel])

        p = {name: path == i for i, name in enumerate(PATHS)}
        t2 = declared
        emit(np.ones(n, bool), 2, t2)
        # a failed send is retried: 4, then 2 again minutes later, then the normal path
        emit(p["send_fail"], 4, t2 + lag((3.0, 0.5)))
        t2b = np.where(p["send_fail"], t2 + lag(model.RESEND_DELAY), t2)
        emit(p["send_fail"], 2, t2b)
        emit(p["proc_error"], -1, t2 + lag((2.0, 0.5)))
        accepted = ~p["proc_error"]
        t120 = t2b + lag(model.ACCEPT_DELAY)
        emit(accepted, 120, t120)
        emit(p["reject"], 100, t120 + lag((5.0, 0.8)))
        emit(p["manual"], 300, t120 + lag((1.0, 0.5)))
        emit(p["inspect"], 500, t120 + lag((2.0, 0.5)))
        hold_code = rng.choice(np.array([501, 502, 599]), n)
        t_hold = t120 + lag((3.0, 0.5))
        for code in (501, 502, 599):
            emit(p["hold"] & (hold_code == code), code, t_hold)
        returned = p["inspect"] & (rng.random(n) < 0.1)
        t800 = t120 + lag(model.RELEASE_DELAY)
        t800 = np.where(p["manual"], t120 + np.minimum(lag(model.MANUAL_DELAY), int(model.MANUAL_CAP * US)), t800)
        t800 = np.where(p["inspect"], t120 + lag(model.INSPECT_DELAY), t800)
        emit(p["inspect"] & returned, 700, t800)
        released = p["release"] | p["send_fail"] | p["manual"] | (p["inspect"] & ~returned)
        emit(released, 800, t800)
        emit(released, 899, t800 + lag(model.CLEAR_DELAY))
        return Receipts(np.concatenate(idx), np.concatenate(status), np.concatenate(times))

    # -- record tables ----------------------------------------------------------
    def _codes(self) -> dict[str, pa.Array]:
        """The few values of each code column, at the lists' numeric codes."""
        return {
            "ebc_code": pa.array([f"SIMEBC{e:04d}" for e in range(len(self.platform_share) * EBC_PER_PLATFORM)]),
            "customs_code": pa.array([s.customs_codes[0] for s in self.config.sites]),
            "ebp_code": pa.array([p.ebp_code for p in self.config.platforms]),
        }

    def _numbers(self, lists: Lists, sel: np.ndarray | None = None) -> dict[str, pa.Array]:
        """The numbers of the lists (those at `sel`, or all): cop_no, and invt_no as customs assigns it."""
        pick = (lambda a: a) if sel is None else (lambda a: a[sel])
        day, seq = pick(lists.day), pick(lists.seq)
        days = np.unique(day)
        at_day = pa.array(np.searchsorted(days, day))
        ymd = pc.take(pa.array([date.fromordinal(int(o)).strftime("%Y%m%d") for o in days]), at_day)
        year = pc.take(pa.array([str(date.fromordinal(int(o)).year) for o in days]), at_day)
        customs_code = pc.take(self._codes()["customs_code"], pa.array(pick(lists.site)))
        # the list number customs assigns: customs code, year, "I", nine digits; unique
        # over any 100 days of up to 10 million lists a day (a promotion day has 6.3 million)
        invt_digits = (day % 100) * 10_000_000 + seq % 10_000_000
        return {
            "cop_no": pc.binary_join_element_wise(
                "CP", ymd, pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), 8, "0"), ""
            ),
            "invt_no": pc.binary_join_element_wise(
                customs_code, year, "I", pc.utf8_lpad(pc.cast(pa.array(invt_digits), pa.string()), 9, "0"), ""
            ),
        }

    def _keys(self, lists: Lists, sel: np.ndarray | None = None) -> dict[str, pa.Array]:
        """The string keys of the lists (those at `sel`, or all)."""
        pick = (lambda a: a) if sel is None else (lambda a: a[sel])
        codes = self._codes()
        return {
            "ebc_code": pc.take(codes["ebc_code"], pa.array(pick(lists.ebc))),
            "customs_code": pc.take(codes["customs_code"], pa.array(pick(lists.site))),
            "ebp_code": pc.take(codes["ebp_code"], pa.array(pick(lists.platform))),
            **self._numbers(lists, sel),
        }

    def render_declarations(self, lists: Lists) -> pa.Table:
        codes = self._codes()
        area = pa.array([w.area_code for w in self.config.warehouses])
        has = line_mask(lists.lines)
        gnum = np.broadcast_to(np.arange(1, MAX_LINES + 1, dtype=np.int32), has.shape)[has]
        return pa.table(
            {
                "ebc_code": code_column(codes["ebc_code"], lists.ebc),
                "cop_no": self._numbers(lists)["cop_no"],
                "invt_no": pa.nulls(len(lists.seq), pa.string()),
                "customs_code": code_column(codes["customs_code"], lists.site),
                "ebp_code": code_column(codes["ebp_code"], lists.platform),
                "area_code": code_column(area, np.maximum(lists.warehouse, 0), lists.warehouse >= 0),
                "app_time": pa.array(lists.declared_us.astype("datetime64[us]")),
                "app_type": pa.array(np.ones(len(lists.seq), np.int16)),
                "goods_value_fen": pa.array(lists.value_fen),
                "line_count": pa.array(lists.lines.astype(np.int32)),
                "category_code": code_column(pa.array(self.category_codes), lists.category),
                "trade_mode": code_column(pa.array(site_trade_modes(self.config), pa.string()), lists.site),
                "line_gnum": per_line(pa.array(gnum), lists.lines),
                "line_price": per_line(yuan(lists.line_price_fen[has] * 1000), lists.lines),
                "line_qty": per_line(yuan(lists.line_qty[has] * 100_000), lists.lines),
            }
        )

    def render_receipts(self, lists: Lists, receipts: Receipts) -> pa.Table:
        # each list's numbers are formatted once, for the lists these receipts belong
        # to (live, a few of a minute's lists); its receipts refer to them by index
        i = receipts.idx
        used = np.zeros(len(lists.seq), bool)
        used[i] = True
        at = (np.cumsum(used) - 1)[i]
        numbers = self._numbers(lists, np.flatnonzero(used))
        codes = self._codes()
        status_codes = sorted(STATUS_INFO)
        return pa.table(
            {
                "ebc_code": code_column(codes["ebc_code"], lists.ebc[i]),
                "cop_no": coded(numbers["cop_no"], at),
                # customs assigns the list number on acceptance (120); before that it is absent
                "invt_no": coded(numbers["invt_no"], at, ~np.isin(receipts.status, [2, 4, -1])),
                "customs_code": code_column(codes["customs_code"], lists.site[i]),
                "ebp_code": code_column(codes["ebp_code"], lists.platform[i]),
                "return_status": pa.array(receipts.status.astype(np.int32)),
                "return_time": pa.array(receipts.time_us.astype("datetime64[us]")),
                "return_info": code_column(
                    pa.array([STATUS_INFO[c] for c in status_codes]), np.searchsorted(status_codes, receipts.status)
                ),
            }
        )


def _empty_lists() -> Lists:
    e = np.array([], np.int64)
    lines = np.zeros((0, MAX_LINES), np.int64)
    return Lists(e, e, e, e, e, e, e, e, e, e, lines, lines)
