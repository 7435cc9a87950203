"""What happens to a simulated list after its release, beside its receipts:
its tax receipt (CEB816), a cancellation (CEB623, receipts CEB624, then the tax
voided by CEB818) or a return of some lines (CEB625, receipts CEB626); and the
format rejects (CEB900) of the senders, which name no list.

A list's events are drawn from uniforms hashed from (seed, day, list number),
so the same list gets the same events whichever chunk, mode or caller draws
them; format rejects from a stream of each (seed, day, minute). Rates come from
[simulator] in the configuration; the shares and delays below are assumptions,
not published figures.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from base.config import Config
from collectors.simulator.columns import MAX_LINES, line_mask
from collectors.simulator.generator import US, Lists, Receipts

TAX, TAX_STATUS, REQUEST, REQUEST_RECEIPT, REJECT = range(5)
KINDS = ("tax", "tax_status", "request", "request_receipt", "format_reject")
CANCEL, REFUND = 0, 1  # index into collectors.records.REQUEST_FAMILIES

# ASSUMPTION: delays, seconds, as (median, sigma of the log) of a lognormal
TAX_DELAY = (3.0, 0.5)  # release (800) -> tax receipt
TAX_HORIZON_US = 10 * 60 * US  # and never later than this
CANCEL_DELAY = (45 * 60.0, 1.0)  # release -> cancellation request
REFUND_DELAY = (3 * 3600.0, 0.6)  # release -> return request
STEP_DELAY = (1.5, 0.5)  # request -> 2 -> 120
DECIDE_DELAY = (10 * 60.0, 0.6)  # 120 -> decided
REVIEW_DELAY = (3600.0, 0.5)  # 300 (manual review) -> decided
VOID_DELAY = (5.0, 0.5)  # cancellation approved -> tax voided
# ASSUMPTION: outcome shares
CANCEL_REFUSED = 0.05  # 100 instead of 399
REFUND_REFUSED = 0.03  # 100
REFUND_REVIEW = 0.15  # 300, then approved
REFUND_APPROVED_800 = 0.5  # approved with 800 rather than 399
# ASSUMPTION: which messages fail the format check, and how
REJECT_TYPES = ("CEB621", "CEB622", "CEB623", "CEB625")
REJECT_TYPE_SHARE = np.array([0.7, 0.1, 0.1, 0.1])
REJECT_INFO = {  # return status: (share, return info)
    -1: (0.8, "[Code:-1;Desc:报文格式错误]"),
    -2: (0.15, "[Code:-2;Desc:必填项为空]"),
    -3: (0.05, "[Code:-3;Desc:签名验证失败]"),
}


@dataclass
class Events:
    """Numeric events: which list (index into a Lists, -1 for a format reject),
    kind, family (cancel/refund; the rejected message's type for a reject),
    status and time; for a return, the pieces returned of each line; for a
    reject, a number its identifiers are made from."""

    idx: np.ndarray
    kind: np.ndarray
    family: np.ndarray
    status: np.ndarray
    time_us: np.ndarray
    returned: np.ndarray  # (events, MAX_LINES)
    serial: np.ndarray

    def take(self, sel) -> Events:
        return Events(*[getattr(self, f.name)[sel] for f in fields(self)])

    def __len__(self) -> int:
        return len(self.idx)

    def sorted(self) -> Events:
        return self.take(np.argsort(self.time_us, kind="stable"))


def empty() -> Events:
    e = np.array([], np.int64)
    return Events(e, e, e, e, e, np.zeros((0, MAX_LINES), np.int64), e)


def concat(parts: list[Events], shifts: list[int] | None = None) -> Events:
    """Events of several sets of lists, each list index shifted by `shifts`."""
    if not parts:
        return empty()
    shifts = shifts or [0] * len(parts)
    idx = [np.where(p.idx >= 0, p.idx + s, -1) for p, s in zip(parts, shifts)]
    rest = {f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Events) if f.name != "idx"}
    return Events(np.concatenate(idx), **rest)


def select(events: Events, keep_lists: np.ndarray, keep_events: np.ndarray) -> Events:
    """The events where `keep_events` of the lists where `keep_lists` (rejects
    follow `keep_events` alone), list indexes renumbered as generator.select does."""
    of_kept = np.where(events.idx >= 0, keep_lists[np.maximum(events.idx, 0)], True)
    out = events.take(of_kept & keep_events)
    remap = np.cumsum(keep_lists) - 1
    out.idx = np.where(out.idx >= 0, remap[np.maximum(out.idx, 0)], -1)
    return out


# -- uniforms hashed from the list's identity ---------------------------------------
GOLDEN = 0x9E3779B97F4A7C15


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, on uint64 arrays (wrapping)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def uniforms(seed: int, day: np.ndarray, seq: np.ndarray, salt: int, k: int) -> np.ndarray:
    """(lists, k) uniforms in [0, 1) for the lists (day, seq)."""
    gold = np.uint64(GOLDEN)
    base = _mix(np.uint64(seed % 2**64) + np.asarray(day, np.uint64) * gold)
    base = _mix(_mix(base + np.asarray(seq, np.uint64) * gold) + np.uint64(salt * GOLDEN % 2**64))
    x = _mix(base[:, None] + np.arange(1, k + 1, dtype=np.uint64)[None, :] * gold)
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _lag(u1: np.ndarray, u2: np.ndarray, params: tuple[float, float]) -> np.ndarray:
    """Lognormal delays in microseconds from two uniforms each (Box-Muller)."""
    z = np.sqrt(-2 * np.log1p(-u1)) * np.cos(2 * np.pi * u2)
    median, sigma = params
    return (median * np.exp(sigma * z) * US).astype(np.int64)


def released_at(lists: Lists, receipts: Receipts) -> np.ndarray:
    """Each list's release (800) time, -1 when not released in these receipts."""
    t = np.full(len(lists.seq), -1, np.int64)
    rel = receipts.status == 800
    t[receipts.idx[rel]] = receipts.time_us[rel]
    return t


class _Out:
    def __init__(self) -> None:
        self.parts: list[Events] = []

    def add(self, idx, kind, family, status, time_us, returned=None) -> None:
        n = len(idx)
        ret = np.zeros((n, MAX_LINES), np.int64) if returned is None else returned
        self.parts.append(
            Events(
                np.asarray(idx, np.int64),
                np.full(n, kind, np.int64),
                np.broadcast_to(np.asarray(family, np.int64), n).copy(),
                np.broadcast_to(np.asarray(status, np.int64), n).copy(),
                np.asarray(time_us, np.int64),
                ret,
                np.zeros(n, np.int64),
            )
        )

    def events(self) -> Events:
        return concat(self.parts)


def draw(config: Config, seed: int, lists: Lists, receipts: Receipts, since_us: int | None = None) -> Events:
    """The events of the lists released in `receipts`, in no particular order;
    with `since_us`, at least those at or after it (the cheaper, as most lists
    have only their tax receipt, seconds after their release)."""
    sim = config.simulator
    t800 = released_at(lists, receipts)
    rel = np.flatnonzero(t800 >= 0)
    out = _Out()
    taxed = rel if since_us is None else rel[t800[rel] >= since_us - TAX_HORIZON_US]
    u = uniforms(seed, lists.day[taxed], lists.seq[taxed], 816, 2)
    out.add(taxed, TAX, 0, 1, t800[taxed] + np.minimum(_lag(u[:, 0], u[:, 1], TAX_DELAY), TAX_HORIZON_US))
    choice = uniforms(seed, lists.day[rel], lists.seq[rel], 817, 1)[:, 0]
    cancel = choice < sim.cancel_share
    refund = ~cancel & (choice < sim.cancel_share + sim.refund_share)
    _cancels(out, seed, lists, rel[cancel], t800[rel[cancel]])
    _refunds(out, seed, lists, rel[refund], t800[rel[refund]], sim.refund_line_share, sim.refund_part_share)
    return out.events()


def _cancels(out: _Out, seed: int, lists: Lists, idx: np.ndarray, t800: np.ndarray) -> None:
    u = uniforms(seed, lists.day[idx], lists.seq[idx], 623, 11)
    t_req = t800 + _lag(u[:, 0], u[:, 1], CANCEL_DELAY)
    t2 = t_req + _lag(u[:, 2], u[:, 3], STEP_DELAY)
    t120 = t2 + _lag(u[:, 4], u[:, 5], STEP_DELAY)
    t_end = t120 + _lag(u[:, 6], u[:, 7], DECIDE_DELAY)
    refused = u[:, 8] < CANCEL_REFUSED
    out.add(idx, REQUEST, CANCEL, 0, t_req)
    out.add(idx, REQUEST_RECEIPT, CANCEL, 2, t2)
    out.add(idx, REQUEST_RECEIPT, CANCEL, 120, t120)
    out.add(idx, REQUEST_RECEIPT, CANCEL, np.where(refused, 100, 399), t_end)
    ok = ~refused
    out.add(idx[ok], TAX_STATUS, 0, 3, t_end[ok] + _lag(u[ok, 9], u[ok, 10], VOID_DELAY))


def _refunds(
    out: _Out, seed: int, lists: Lists, idx: np.ndarray, t800: np.ndarray, line_share: float, part_share: float
) -> None:
    u = uniforms(seed, lists.day[idx], lists.seq[idx], 625, 10 + 3 * MAX_LINES)
    t_req = t800 + _lag(u[:, 0], u[:, 1], REFUND_DELAY)
    t120 = t_req + _lag(u[:, 2], u[:, 3], STEP_DELAY)
    outcome = u[:, 4]
    refused = outcome < REFUND_REFUSED
    review = ~refused & (outcome < REFUND_REFUSED + REFUND_REVIEW)
    t300 = t120 + _lag(u[:, 5], u[:, 6], STEP_DELAY)
    t_end = np.where(review, t300 + _lag(u[:, 7], u[:, 8], REVIEW_DELAY), t120 + _lag(u[:, 7], u[:, 8], DECIDE_DELAY))
    approved = np.where(u[:, 9] < REFUND_APPROVED_800, 800, 399)
    # the lines returned (at least one), and of a line of several pieces sometimes only some
    has = line_mask(lists.lines[idx])
    pick = u[:, 10 : 10 + MAX_LINES]
    back = has & (pick < line_share)
    first = np.argmin(np.where(has, pick, 2.0), axis=1)
    back[np.arange(len(idx)), first] = True
    qty = lists.line_qty[idx]
    part = (qty > 1) & (u[:, 10 + MAX_LINES : 10 + 2 * MAX_LINES] < part_share)
    some = 1 + np.floor(u[:, 10 + 2 * MAX_LINES :] * np.maximum(qty - 1, 1)).astype(np.int64)
    returned = np.where(back, np.where(part, some, qty), 0)
    out.add(idx, REQUEST, REFUND, 0, t_req, returned)
    out.add(idx, REQUEST_RECEIPT, REFUND, 120, t120)
    out.add(idx[review], REQUEST_RECEIPT, REFUND, 300, t300[review])
    out.add(idx, REQUEST_RECEIPT, REFUND, np.where(refused, 100, approved), t_end)


def rejects(config: Config, seed: int, day_ordinal: int, day0_us: int, first: int, stop: int) -> Events:
    """Format rejects of minutes [first, stop) of a day: a few an hour."""
    per_minute = config.simulator.format_rejects_per_hour / 60.0
    parts = []
    for m in range(first, stop):
        rng = np.random.default_rng([seed, day_ordinal, m, 900])
        n = int(rng.poisson(per_minute))
        if not n:
            continue
        codes = np.array(list(REJECT_INFO))
        parts.append(
            Events(
                np.full(n, -1, np.int64),
                np.full(n, REJECT, np.int64),
                rng.choice(len(REJECT_TYPES), n, p=REJECT_TYPE_SHARE),
                rng.choice(codes, n, p=[share for share, _ in REJECT_INFO.values()]),
                np.sort(day0_us + m * 60 * US + rng.integers(0, 60 * US, n)),
                np.zeros((n, MAX_LINES), np.int64),
                rng.integers(0, 2**62, n),
            )
        )
    return concat(parts)
