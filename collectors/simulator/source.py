"""The simulator as a source: live (today at wall-clock pace), replay (a chosen
day at a speed factor) and batch (a window at full speed).

Live and replay back-fill history as minute aggregates when they start (today
so far, the same day last year, the last N days), then emit records as their
event times pass; today's lists whose release is still to come go on live.
Receipts pending when a run stopped are not resumed on restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from base.clock import now_beijing, same_time_last_year
from base.config import Config
from collectors.records import make_batch
from collectors.simulator import families, samples
from collectors.simulator.adjustments import aggregate_adjustments
from collectors.simulator.columns import site_trade_modes
from collectors.simulator.families import Events
from collectors.simulator.family_tables import render
from collectors.simulator.flows import Flows
from collectors.simulator.generator import US, Generator, Knobs, Lists, Receipts, day_start_us, select, to_us
from collectors.sinks import Sink
from collectors.source import Collected

OCCUPANCY_EVERY_S = 10
HEALTH_EVERY_S = 5
CALIBRATION_YEAR = 2019  # the year of the founding document's figures
# history is written in pieces this long, so one piece of a peak hour stays short
HISTORY_PIECE_MINUTES = 15
BATCH_SOURCE = "simulator-batch"  # what `cbec simulate` writes as
GATHER_ROWS = 200_000  # `cbec simulate` holds a smaller family table until others of its kind make this many


def history_source(name: str) -> str:
    """What a simulator collector's back-filled history is written as."""
    return f"{name}-history"


@dataclass
class Faults:
    """Switches that later checks and demos use to break the night on purpose."""

    source_stopped: bool = False  # the source answers nothing
    link_saturated: bool = False
    warehouse_full: str | None = None  # a warehouse or site code
    # three times as many lists go to manual review and the desk decides none;
    # once off, the backlog is decided within minutes
    review_backlog: bool = False
    equipment_down: str | None = None  # "site/component"
    # the exchange holds every receipt back (releases stall); once off, they
    # arrive with the times customs gave them
    receipts_held: bool = False
    error_receipts: bool = False  # a third of new lists are rejected, fail to send or fail processing
    bad_messages: bool = False  # in CEB XML mode: a broken message file beside every good one

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def day_kind(config: Config, d: date) -> str:
    return "promotion" if d.strftime("%m-%d") in config.simulator.promotion_days else "ordinary"


def _load_share(plan_weights: np.ndarray, times_us: np.ndarray, day0_us: int) -> np.ndarray:
    minute = np.clip((times_us - day0_us) // (60 * US), 0, 1439)
    return np.clip(plan_weights[minute] / plan_weights.max(), 0, 1)


def aggregate(config: Config, lists: Lists, receipts: Receipts, lo_us: int, hi_us: int) -> tuple[pa.Table, pa.Table]:
    """Minute rollups of the releases and receipts whose times fall in [lo, hi)."""
    inside = (receipts.time_us >= lo_us) & (receipts.time_us < hi_us)
    minute = (receipts.time_us[inside] - lo_us) // (60 * US)
    status = receipts.status[inside]
    idx = receipts.idx[inside]
    site = lists.site[idx]
    sites = np.array([s.code for s in config.sites], object)
    platforms = np.array([p.code for p in config.platforms], object)
    n_site, n_plat = len(sites), len(platforms)

    rel = status == 800
    key = (minute[rel] * n_site + site[rel]) * n_plat + lists.platform[idx[rel]]
    counts = np.bincount(key)
    values = np.bincount(key, weights=lists.value_fen[idx[rel]])
    used = np.nonzero(counts)[0]
    release = pa.table(
        {
            "minute": pa.array((lo_us + (used // (n_site * n_plat)) * 60 * US).astype("datetime64[us]")),
            "site_code": pa.array(sites[(used // n_plat) % n_site], pa.string()),
            "platform_code": pa.array(platforms[used % n_plat], pa.string()),
            # a site's lists all have its trade mode
            "trade_mode": pa.array(site_trade_modes(config)[(used // n_plat) % n_site], pa.string()),
            "released_lists": counts[used].astype(np.int64),
            "valued_lists": counts[used].astype(np.int64),
            "goods_value_fen": np.round(values[used]).astype(np.int64),
        }
    )
    codes, code_idx = np.unique(status, return_inverse=True)
    skey = (minute * n_site + site) * len(codes) + code_idx.ravel()
    scount = np.bincount(skey)
    sused = np.nonzero(scount)[0]
    receipt = pa.table(
        {
            "minute": pa.array((lo_us + (sused // (n_site * len(codes))) * 60 * US).astype("datetime64[us]")),
            "site_code": pa.array(sites[(sused // len(codes)) % n_site], pa.string()),
            "return_status": codes[sused % len(codes)].astype(np.int16),
            "receipts": scount[sused].astype(np.int64),
        }
    )
    return release, receipt


def aggregate_categories(lists: Lists, receipts: Receipts, lo_us: int, hi_us: int, codes: list[str]) -> pa.Table:
    """Minute rollup by category of the releases whose times fall in [lo, hi): the report's
    category split counts every list of simulated history, like release_minute does."""
    rel = (receipts.time_us >= lo_us) & (receipts.time_us < hi_us) & (receipts.status == 800)
    idx = receipts.idx[rel]
    key = ((receipts.time_us[rel] - lo_us) // (60 * US)) * len(codes) + lists.category[idx]
    counts = np.bincount(key)
    values = np.bincount(key, weights=lists.value_fen[idx])
    used = np.nonzero(counts)[0]
    return pa.table(
        {
            "minute": pa.array((lo_us + (used // len(codes)) * 60 * US).astype("datetime64[us]")),
            "category_code": pa.array(np.array(codes, object)[used % len(codes)], pa.string()),
            "released_lists": counts[used].astype(np.int64),
            "goods_value_fen": np.round(values[used]).astype(np.int64),
        }
    )


def _summed(tables: list[pa.Table], keys: list[str]) -> pa.Table:
    """Adds up aggregate tables that share their key columns."""
    table = pa.concat_tables(tables)
    values = [c for c in table.column_names if c not in keys]
    out = table.group_by(keys).aggregate([(c, "sum") for c in values])
    return out.rename_columns([c[:-4] if c.endswith("_sum") else c for c in out.column_names]).select(
        table.column_names
    )


@dataclass
class _Pending:
    """Records of one generated chunk not yet emitted, with cursors into them."""

    lists: Lists
    receipts: Receipts  # sorted by time
    decl_next: int = 0
    rcpt_next: int = 0
    events: Events = field(default_factory=families.empty)  # sorted by time
    ev_next: int = 0


@dataclass
class _Held:
    """Receipts due but held back by a fault switch."""

    lists: Lists
    receipts: Receipts
    retime: bool  # decided only once released (a review), rather than delivered late
    events: Events = field(default_factory=families.empty)
    released_us: np.ndarray | None = None  # each list's release, which its events follow


def _no_receipts() -> Receipts:
    e = np.array([], np.int64)
    return Receipts(e, e, e)


# broken message files, one kind after another, for the bad_messages switch
BAD_MESSAGES = (
    (
        "truncated",
        b'<?xml version="1.0" encoding="UTF-8"?>\n<ceb:CEB622Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:Inv',
    ),
    (
        "unknown",
        b'<?xml version="1.0" encoding="UTF-8"?>\n<ceb:CEB999Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>',
    ),
    (
        "entities",
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><x>&b;</x>',
    ),
)


@dataclass
class SimulatorSource:
    name: str
    config: Config
    mode: str = "live"  # live | replay
    clock: Callable[[], datetime] = now_beijing
    replay_day: date | None = None
    speed: float = 1.0
    seed: int | None = None
    backfill: bool = True
    faults: Faults = field(default_factory=Faults)
    xml_inbox: Path | None = None  # write lists and receipts as CEB XML files here instead
    xml_broker: str | None = None  # or publish them as messages to this broker (CBEC_XML_DEMO=broker)
    xml_exchange: str = "cbec.ceb"

    def __post_init__(self) -> None:
        self.seed = self.config.simulator.seed if self.seed is None else self.seed
        self._gen = Generator(self.config, self.seed)
        self._flows = Flows(self.config, self._gen, self._plan)
        self._lock = threading.Lock()
        self._started_wall: datetime | None = None
        self._start_sim: datetime | None = None
        self._cursor: datetime | None = None  # next minute to generate
        self._pending: list[_Pending] = []
        self._held: list[_Held] = []
        self._bad_written = 0
        self._emitted_until: datetime | None = None
        self._history: Iterator[tuple[str, pa.Table, tuple[datetime, datetime]]] | None = None
        self._history_done = 0
        self._history_total = 0
        self._publisher = None  # the broker outbox, connected on first use

    def fault_problem(self, switches: dict) -> str | None:
        """Why these switch values cannot be set (None when they can)."""
        for f in fields(Faults):
            if f.name not in switches:
                continue
            v = switches[f.name]
            if f.type == "bool" and not isinstance(v, bool):
                return f"{f.name} takes true or false, not {v!r}"
            if f.type != "bool" and not (v is None or isinstance(v, str)):
                return f"{f.name} takes a code as text or null, not {v!r}"
        full = switches.get("warehouse_full")
        places = {w.code for w in self.config.warehouses} | {x.code for x in self.config.sites}
        if full is not None and full not in places:
            return f"warehouse_full: no warehouse or site {full!r}"
        if switches.get("bad_messages") and not self.writes_xml:
            return "bad_messages needs the simulator to write CEB XML messages (CBEC_XML_DEMO=1 or broker)"
        return None

    # -- time -------------------------------------------------------------------
    def sim_now(self) -> datetime:
        wall = self.clock()
        if self.mode == "live":
            return wall
        if self._started_wall is None:
            self._started_wall = wall
        start = datetime.combine(self.replay_day or wall.date(), datetime.min.time())
        return start + (wall - self._started_wall) * self.speed

    def live_kind(self, d: date) -> str:
        if self.mode == "live" and d == self.clock().date():
            return self.config.simulator.live_day_kind
        return day_kind(self.config, d)

    def _plan(self, d: date):
        today = (self._start_sim or self.sim_now()).date()
        # an earlier year plays to last year's figures; the same day last year
        # was the same kind of day as today
        last_year = d.year < today.year
        if (d.month, d.day) == (today.month, today.day):
            return self._gen.plan(d, self.live_kind(today), last_year)
        return self._gen.plan(d, day_kind(self.config, d), last_year)

    # -- the runner calls this ------------------------------------------------------
    def collect(self, sink: Sink) -> Collected:
        with self._lock:
            now = self.sim_now()
            if self._start_sim is None:
                self._begin(sink, now)
            if self.faults.source_stopped:
                return Collected(0, "stopped by the source_stopped fault switch")
            records = self._emit(sink, now)
            self._history_step(sink)
            note = "" if records else "nothing new"
            if self._history is not None:
                note = f"back-filling simulated history ({self._history_done}/{self._history_total} pieces)"
            return Collected(records, note)

    def _begin(self, sink: Sink, now: datetime) -> None:
        self._start_sim = now
        start_minute = now.replace(second=0, microsecond=0)
        self._cursor = start_minute
        self._emitted_until = start_minute
        if self.backfill:
            self._history = self._history_days(now.date(), start_minute)
            minutes_today = start_minute.hour * 60 + start_minute.minute
            days = 3 + self.config.simulator.history_days
            per_day = 1440 // HISTORY_PIECE_MINUTES + 5
            self._history_total = -(-minutes_today // HISTORY_PIECE_MINUTES) + 5 + days * per_day

    def _history_days(
        self, today: date, start_minute: datetime
    ) -> Iterator[tuple[str, pa.Table, tuple[datetime, datetime]]]:
        # today so far first, so the headline figures are whole within seconds
        yield from self._backfill_day(today, start_minute, carry=True)
        last_year = same_time_last_year(datetime.combine(today, datetime.min.time())).date()
        # last year: the same day, the next (the wall's curve runs past midnight)
        # and the one before (the report of yesterday)
        days = [last_year, last_year + timedelta(days=1), last_year - timedelta(days=1)]
        days += [today - timedelta(days=k) for k in range(1, self.config.simulator.history_days + 1)]
        for d in days:
            end = datetime.combine(d + timedelta(days=1), datetime.min.time())
            yield from self._backfill_day(d, end)

    def _backfill_day(self, d: date, until: datetime, carry: bool = False):
        """Yields None after each piece drawn (so a caller can keep its calls short),
        then the day's aggregates, written once: a minute is filled by history
        only when nothing holds it yet, so it must get all its releases at once.
        With `carry`, lists whose release is still to come at `until` (manual
        review, inspection) go on live: their declaration and later receipts are
        emitted as records."""
        plan = self._plan(d)
        day0 = datetime.combine(d, datetime.min.time())
        last = int((until - day0).total_seconds() // 60)
        releases, categories, receipts_, adjusted = [], [], [], []
        carried: list[_Pending] = []
        for first in range(0, last, HISTORY_PIECE_MINUTES):
            lists, receipts = self._gen.minutes(plan, first, min(first + HISTORY_PIECE_MINUTES, last))
            if carry:
                lists, receipts = self._carry(lists, receipts, to_us(until), carried)
            # their tax, cancellations and returns up to `until` (those later go on live)
            events = families.draw(self.config, self.seed, lists, receipts)
            adjusted.append(aggregate_adjustments(self.config, lists, events, to_us(day0), to_us(until)))
            # releases of these lists that fall inside the back-filled part of the day
            release, receipt = aggregate(self.config, lists, receipts, to_us(day0), to_us(until))
            releases.append(release)
            categories.append(
                aggregate_categories(lists, receipts, to_us(day0), to_us(until), self._gen.category_codes)
            )
            receipts_.append(receipt)
            yield None
        if releases:
            span = (day0, until)
            yield "release_minute", _summed(releases, ["minute", "site_code", "platform_code", "trade_mode"]), span
            yield "release_category_minute", _summed(categories, ["minute", "category_code"]), span
            yield "receipt_minute", _summed(receipts_, ["minute", "site_code", "return_status"]), span
            yield "adjustment_minute", _summed(adjusted, ["minute", "site_code", "platform_code", "trade_mode"]), span
        # only now: their earlier receipts add to minutes the history has filled
        self._pending.extend(carried)
        times = np.arange(to_us(day0), to_us(until), 60 * US, dtype=np.int64)
        if len(times):
            sf = samples.SampleFaults()
            yield "occupancy", samples.occupancy(self.config, self._flows, times, sf), (day0, until)
            load = _load_share(plan.minute_weights(), times, to_us(day0))
            yield "health", samples.health(self.config, self.seed, times, load, sf), (day0, until)
            yield "site_measure", self._flows.measures(times), (day0, until)

    def _carry(
        self, lists: Lists, receipts: Receipts, until_us: int, carried: list[_Pending]
    ) -> tuple[Lists, Receipts]:
        """Lists still undecided at `until` (manual review, inspection, holds) go on
        live with all their receipts, so the store knows they wait and since when;
        returns the rest, which history counts."""
        deciding = (receipts.time_us >= until_us) & np.isin(receipts.status, (800, 700, 100))
        keep = np.zeros(len(lists.seq), bool)
        keep[receipts.idx[deciding]] = True
        all_receipts = np.ones(len(receipts.idx), bool)
        # what happens after the release of a list history counts (its tax, a
        # cancellation or return) and is still to come goes on live too
        events = families.draw(self.config, self.seed, lists, receipts, since_us=until_us)
        later = events.time_us >= until_us
        ahead = np.zeros(len(lists.seq), bool)
        ahead[events.idx[later & ~keep[events.idx]]] = True
        if ahead.any():
            past, _ = select(lists, receipts, ahead, ~all_receipts)
            carried.append(_Pending(past, _no_receipts(), events=families.select(events, ahead, later).sorted()))
        if not keep.any():
            return lists, receipts
        kept, rest = select(lists, receipts, keep, all_receipts)
        order = np.argsort(rest.time_us, kind="stable")
        rest = Receipts(rest.idx[order], rest.status[order], rest.time_us[order])
        carried.append(_Pending(kept, rest, events=families.draw(self.config, self.seed, kept, rest).sorted()))
        return select(lists, receipts, ~keep, all_receipts)

    @property
    def history_loading(self) -> bool:
        return self._history is not None

    def _history_step(self, sink: Sink, budget_s: float = 3.0) -> None:
        """Writes history for about `budget_s` per call, so live ticks stay short."""
        deadline = time.monotonic() + budget_s
        while self._history is not None and time.monotonic() < deadline:
            piece = next(self._history, False)
            if piece is False:
                self._history = None
                return
            self._history_done += 1
            if piece is None:  # a piece drawn, nothing to write yet
                continue
            kind, table, span = piece
            sink.write(make_batch(kind, table, history_source(self.name), span))

    # -- live records --------------------------------------------------------------
    def _emit(self, sink: Sink, now: datetime) -> int:
        f = self.faults
        self._gen.knobs = Knobs(review_backlog=f.review_backlog, error_receipts=f.error_receipts)
        if self._held and not f.receipts_held and not f.review_backlog:
            self._release_held(now)
        while self._cursor <= now:
            d = self._cursor.date()
            m = self._cursor.hour * 60 + self._cursor.minute
            lists, receipts = self._gen.minutes(self._plan(d), m, m + 1)
            order = np.argsort(receipts.time_us, kind="stable")
            events = families.concat(
                [
                    families.draw(self.config, self.seed, lists, receipts),
                    families.rejects(self.config, self.seed, d.toordinal(), day_start_us(d), m, m + 1),
                ]
            )
            self._pending.append(
                _Pending(
                    lists,
                    Receipts(receipts.idx[order], receipts.status[order], receipts.time_us[order]),
                    events=events.sorted(),
                )
            )
            self._cursor += timedelta(minutes=1)
        now_us = to_us(now)
        decls, rcpts, held = [], [], []
        decl_moves: list[tuple[_Pending, int]] = []
        rcpt_moves: list[tuple[_Pending, int]] = []
        ev_moves: list[tuple[_Pending, int]] = []
        fams: dict[str, list[pa.Table]] = {}
        for p in self._pending:
            d_end = int(np.searchsorted(p.lists.declared_us, now_us, side="right"))
            if d_end > p.decl_next:
                sel = slice(p.decl_next, d_end)
                decls.append(
                    self._gen.render_declarations(
                        Lists(*[getattr(p.lists, f)[sel] for f in Lists.__dataclass_fields__])
                    )
                )
                decl_moves.append((p, d_end))
            r_end = int(np.searchsorted(p.receipts.time_us, now_us, side="right"))
            if r_end > p.rcpt_next:
                sel = slice(p.rcpt_next, r_end)
                due, kept = self._hold(
                    p, Receipts(p.receipts.idx[sel], p.receipts.status[sel], p.receipts.time_us[sel])
                )
                held.extend(kept)
                if len(due.idx):
                    rcpts.append(self._gen.render_receipts(p.lists, due))
                rcpt_moves.append((p, r_end))
            e_end = int(np.searchsorted(p.events.time_us, now_us, side="right"))
            if e_end > p.ev_next:
                due_events, kept = self._hold_events(p, p.events.take(slice(p.ev_next, e_end)))
                held.extend(kept)
                for kind, table in render(self._gen, p.lists, due_events, for_xml=self.writes_xml).items():
                    fams.setdefault(kind, []).append(table)
                ev_moves.append((p, e_end))
        # a cursor moves only once what it covers is written: after a failed
        # write (a full disk) the same records go again, and count once
        n = 0
        if self.writes_xml:
            n += self._write_xml(decls, rcpts, now, fams)
            if self.faults.bad_messages:
                self._write_bad(now)
        elif decls:
            sink.write(make_batch("declaration", pa.concat_tables(decls), self.name))
            n += sum(len(t) for t in decls)
        for p, end in decl_moves:
            p.decl_next = end
        if rcpts and not self.writes_xml:
            sink.write(make_batch("receipt", pa.concat_tables(rcpts), self.name))
            n += sum(len(t) for t in rcpts)
        for p, end in rcpt_moves:
            p.rcpt_next = end
        if not self.writes_xml:
            for kind, tables in fams.items():
                sink.write(make_batch(kind, pa.concat_tables(tables), self.name))
                n += sum(len(t) for t in tables)
        for p, end in ev_moves:
            p.ev_next = end
        self._held.extend(held)
        self._pending = [
            p
            for p in self._pending
            if p.rcpt_next < len(p.receipts.idx) or p.decl_next < len(p.lists.seq) or p.ev_next < len(p.events)
        ]
        n += self._emit_samples(sink, now)
        self._emitted_until = now
        return n

    def _hold(self, p: _Pending, due: Receipts) -> tuple[Receipts, list[_Held]]:
        """Splits off what a fault switch holds back: (receipts to send now, held)."""
        if self.faults.receipts_held:
            return Receipts(due.idx[:0], due.status[:0], due.time_us[:0]), [_Held(p.lists, due, retime=False)]
        if not self.faults.review_backlog:
            return due, []
        # a list's receipts after its manual review (300) wait for the desk
        in_review_since = np.full(len(p.lists.seq), np.iinfo(np.int64).max)
        review = p.receipts.status == 300
        in_review_since[p.receipts.idx[review]] = p.receipts.time_us[review]
        held = due.time_us > in_review_since[due.idx]
        kept = (
            [_Held(p.lists, Receipts(due.idx[held], due.status[held], due.time_us[held]), True)] if held.any() else []
        )
        return Receipts(due.idx[~held], due.status[~held], due.time_us[~held]), kept

    def _hold_events(self, p: _Pending, due: Events) -> tuple[Events, list[_Held]]:
        """As `_hold`, for the events of the lists: (events to send now, held)."""
        if self.faults.receipts_held:
            return due.take(slice(0, 0)), [_Held(p.lists, _no_receipts(), False, due)]
        if not self.faults.review_backlog or not len(due):
            return due, []
        # a list in review: what follows its release waits with the release
        in_review_since = np.full(len(p.lists.seq), np.iinfo(np.int64).max)
        review = p.receipts.status == 300
        in_review_since[p.receipts.idx[review]] = p.receipts.time_us[review]
        held = (due.idx >= 0) & (due.time_us > in_review_since[np.maximum(due.idx, 0)])
        if not held.any():
            return due, []
        released = families.released_at(p.lists, p.receipts)
        return due.take(~held), [_Held(p.lists, _no_receipts(), True, due.take(held), released)]

    def _release_held(self, now: datetime) -> None:
        """Puts held receipts back on their way: delivered late with their own
        times, or (reviews) decided from now on, within a few minutes."""
        now_us = to_us(now)
        for h in self._held:
            r, ev = h.receipts, h.events
            times = r.time_us
            if h.retime:
                # each list is decided at a time of its own within the next five minutes
                decided = now_us + (families.uniforms(self.seed, h.lists.day, h.lists.seq, 300, 1)[:, 0] * 300 * US)
                decided = decided.astype(np.int64)
                first = np.full(len(h.lists.seq), np.iinfo(np.int64).max)
                np.minimum.at(first, r.idx, r.time_us)
                times = r.time_us + np.maximum(decided[r.idx] - first[r.idx], 0)
                if len(ev):
                    shift = np.maximum(decided[ev.idx] - h.released_us[ev.idx], 0)
                    ev = Events(ev.idx, ev.kind, ev.family, ev.status, ev.time_us + shift, ev.returned, ev.serial)
            order = np.argsort(times, kind="stable")
            self._pending.append(
                _Pending(
                    h.lists,
                    Receipts(r.idx[order], r.status[order], times[order]),
                    decl_next=len(h.lists.seq),
                    events=ev.sorted(),
                )
            )
        self._held = []

    @property
    def writes_xml(self) -> bool:
        return self.xml_inbox is not None or self.xml_broker is not None

    def outbox(self):
        """Where the XML messages go: the broker's exchange, or the inbox folder."""
        from collectors.simulator.xml_out import FolderOutbox

        if self.xml_broker is None:
            return FolderOutbox(self.xml_inbox)
        if self._publisher is None:
            from collectors.broker.publish import Publisher

            self._publisher = Publisher(self.xml_broker, self.xml_exchange)
        return self._publisher

    def _write_bad(self, now: datetime) -> None:
        kind, data = BAD_MESSAGES[self._bad_written % len(BAD_MESSAGES)]
        self._bad_written += 1
        self.outbox().send(f"CEB_bad_{kind}_{now:%Y%m%d%H%M%S%f}.xml", data)

    def _write_xml(
        self, decls: list[pa.Table], rcpts: list[pa.Table], now: datetime, fams: dict[str, list[pa.Table]]
    ) -> int:
        from collectors.simulator.xml_out import ceb621, ceb622, write_family

        out = self.outbox()
        stamp = now.strftime("%Y%m%d%H%M%S%f")
        n = 0
        if decls:
            rows = pa.concat_tables(decls).to_pylist()
            out.send(f"CEB621_{stamp}.xml", ceb621(rows))
            n += len(rows)
        if rcpts:
            rows = pa.concat_tables(rcpts).to_pylist()
            # some senders encode receipts in GB2312
            out.send(f"CEB622_{stamp}.xml", ceb622(rows, encoding="GB2312"))
            n += len(rows)
        for kind, tables in fams.items():
            n += write_family(out, kind, pa.concat_tables(tables), stamp)
        return n

    def _emit_samples(self, sink: Sink, now: datetime) -> int:
        lo, hi = to_us(self._emitted_until), to_us(now)
        sf = samples.SampleFaults(self.faults.link_saturated, self.faults.warehouse_full, self.faults.equipment_down)
        n = 0
        for every, kind in ((OCCUPANCY_EVERY_S, "occupancy"), (HEALTH_EVERY_S, "health"), (60, "site_measure")):
            step = every * US
            times = np.arange((lo // step + 1) * step, hi + 1, step, dtype=np.int64)
            if not len(times):
                continue
            if kind == "occupancy":
                table = samples.occupancy(self.config, self._flows, times, sf)
            elif kind == "site_measure":
                table = self._flows.measures(times)
            else:
                d = now.date()
                load = _load_share(self._plan(d).minute_weights(), times, day_start_us(d))
                table = samples.health(self.config, self.seed, times, load, sf)
            sink.write(make_batch(kind, table, self.name))
            n += len(table)
        return n


def chunk_spans(counts: np.ndarray, lists_per_chunk: int) -> list[tuple[int, int]]:
    """Minute ranges [first, stop) of about `lists_per_chunk` lists each (a
    busy minute alone may exceed it). Each batch has a fixed cost in the store,
    so a quiet hour goes in one batch while the midnight peak is split."""
    spans, first, n = [], 0, 0
    for m, c in enumerate(counts):
        if n and n + c > lists_per_chunk:
            spans.append((first, m))
            first, n = m, 0
        n += int(c)
    if len(counts) > first:
        spans.append((first, len(counts)))
    return spans


def simulate_batch(
    config: Config,
    sink: Sink,
    day: date,
    until: datetime,
    *,
    seed: int | None = None,
    lists_per_chunk: int = 1_000_000,
    progress: Callable[[int, int], None] | None = None,
    kind: str | None = None,
) -> dict[str, int]:
    """Generates lists declared on `day` before `until`, with their receipts up to
    `until`, and occupancy and health per minute, at full speed. The next step of
    tables is drawn in a second thread while the store writes the current one:
    a step ahead, not a chunk, so a chunk's arrays and tables are not all held
    at once beside the store's own memory."""
    seed = config.simulator.seed if seed is None else seed
    gen = Generator(config, seed)
    # calibrated to 2019's figures; an earlier year plays to last year's (2018)
    plan = gen.plan(day, kind or day_kind(config, day), day.year < CALIBRATION_YEAR)
    day0 = datetime.combine(day, datetime.min.time())
    last = min(1440, int(np.ceil((until - day0).total_seconds() / 60)))
    until_us = to_us(until)

    # a sink that writes CEB files takes the tables as drawn, with what its messages need beside the records
    write_rendered = getattr(sink, "write_rendered", None)

    def chunk(first: int, stop: int) -> Iterator[list[tuple[str, pa.Table]]]:
        """The chunk's tables, drawn one step at a time while the store writes
        the step before: declarations; receipts; then the other families at once,
        so the next chunk is drawn while the store writes their tax receipts."""
        lists, receipts = gen.minutes(plan, first, stop)
        events = families.concat(
            [
                families.draw(config, seed, lists, receipts),
                families.rejects(config, seed, day.toordinal(), to_us(day0), first, stop),
            ]
        )
        keep = lists.declared_us < until_us
        events = families.select(events, keep, events.time_us < until_us).sorted()
        lists, receipts = select(lists, receipts, keep, receipts.time_us < until_us)
        yield [("declaration", gen.render_declarations(lists))]
        receipt = gen.render_receipts(lists, receipts)
        del receipts
        yield [("receipt", receipt)]
        del receipt
        rendered = list(render(gen, lists, events, for_xml=write_rendered is not None).items())
        del lists, events
        yield rendered  # the writer takes the tables out of this list as it writes them

    def steps(spans: list[tuple[int, int]]) -> Iterator[tuple[int, list[tuple[str, pa.Table]]]]:
        for first, stop in spans:
            for tables in chunk(first, stop):
                yield stop, tables

    totals = {"declarations": 0, "receipts": 0, **dict.fromkeys(families.KINDS, 0), "samples": 0}

    def write(kind: str, table: pa.Table) -> None:
        if write_rendered is not None:
            write_rendered(kind, table)
        else:
            sink.write(make_batch(kind, table, BATCH_SOURCE))
        totals[{"declaration": "declarations", "receipt": "receipts"}.get(kind, kind)] += len(table)

    # A store's batch has a cost of its own, whatever its size (about a second
    # for a few thousand tax statuses or requests with a day stored), so the
    # small tables of the families other than lists and receipts are gathered
    # by kind until they make a batch; the store takes records in any order.
    gathered: dict[str, list[pa.Table]] = {}
    drawn = steps(chunk_spans(gen.minute_counts(plan)[:last], lists_per_chunk))
    done = 0  # minutes written
    with ThreadPoolExecutor(1, thread_name_prefix="simulate") as pool:
        ahead = pool.submit(next, drawn, None)
        while (step := ahead.result()) is not None:
            ahead = pool.submit(next, drawn, None)
            stop, tables = step
            del step  # each table is let go once written
            if stop != done and done and progress:  # the chunk before is through
                progress(done, last)
            done = stop
            while tables:
                kind, table = tables.pop(0)
                if write_rendered is None and kind in families.KINDS and len(table) < GATHER_ROWS:
                    gathered.setdefault(kind, []).append(table)
                    if sum(map(len, gathered[kind])) >= GATHER_ROWS:
                        write(kind, pa.concat_tables(gathered.pop(kind)))
                elif len(table):
                    write(kind, table)
                del table
    for kind, parts in gathered.items():
        if sum(map(len, parts)):
            write(kind, pa.concat_tables(parts))
    if done and progress:
        progress(done, last)
    times = np.arange(to_us(day0), until_us, 60 * US, dtype=np.int64)
    if len(times):
        sf = samples.SampleFaults()
        flows = Flows(
            config, gen, lambda d: plan if d == day else gen.plan(d, day_kind(config, d), d.year < CALIBRATION_YEAR)
        )
        occ = samples.occupancy(config, flows, times, sf)
        hl = samples.health(config, seed, times, _load_share(plan.minute_weights(), times, to_us(day0)), sf)
        measures = flows.measures(times)
        sink.write(make_batch("occupancy", occ, BATCH_SOURCE))
        sink.write(make_batch("health", hl, BATCH_SOURCE))
        sink.write(make_batch("site_measure", measures, BATCH_SOURCE))
        totals["samples"] = len(occ) + len(hl) + len(measures)
    return totals
