"""Minute rollups of what follows a simulated list's release in back-filled
history: tax assessed and voided, cancellations and returns, by the same rules
the store applies to stored records (queries/sql/write_adjustments.sql), so a
history day's net figures and tax belong with its releases.

Two things are left out, as in the batch simulation (`cbec simulate`): what
follows the previous day's lists (their returns and cancellations that fall on
this day), and, at a live start, the voiding after the start of a tax that
history assessed before it (the live store holds no tax receipt to void).
Both are small beside a day's tax: cancellations are a few in a hundred lists,
and only those within about an hour of midnight or of the start."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa

from base.config import Config
from collectors.simulator.columns import site_trade_modes
from collectors.simulator.families import CANCEL, REFUND, REQUEST, REQUEST_RECEIPT, TAX, TAX_STATUS, Events
from collectors.simulator.generator import US, Lists

COLUMNS = ("cancelled_lists", "cancelled_value_fen", "returned_fen", "tax_e5", "voided_e5")


def list_tax_e5(config: Config, lists: Lists, idx: np.ndarray) -> np.ndarray:
    """Each list's tax in 1e-5 yuan, as its simulated tax receipt states it (family_tables._tax)."""
    line_fen = lists.line_price_fen[idx] * lists.line_qty[idx]
    return np.round(line_fen * (1000 * config.simulator.tax_rate)).astype(np.int64).sum(axis=1)


def aggregate_adjustments(config: Config, lists: Lists, events: Events, lo_us: int, hi_us: int) -> pa.Table:
    """The rollup of `events` (of `lists`) whose times fall in [lo, hi)."""
    inside = (events.time_us >= lo_us) & (events.time_us < hi_us)
    rows: list[tuple[np.ndarray, np.ndarray, int, np.ndarray]] = []  # (list, time, column, amount)

    tax = inside & (events.kind == TAX)
    rows.append((events.idx[tax], events.time_us[tax], 3, list_tax_e5(config, lists, events.idx[tax])))
    # a tax is voided when its list's latest status is 3: the void comes after the receipt
    taxed_at = np.full(len(lists.seq), -1, np.int64)
    taxed_at[events.idx[events.kind == TAX]] = events.time_us[events.kind == TAX]
    void = inside & (events.kind == TAX_STATUS) & (events.status == 3)
    void &= (taxed_at[events.idx] >= 0) & (taxed_at[events.idx] <= events.time_us)
    rows.append((events.idx[void], events.time_us[void], 4, list_tax_e5(config, lists, events.idx[void])))

    cancel = inside & (events.kind == REQUEST_RECEIPT) & (events.family == CANCEL) & (events.status == 399)
    rows.append((events.idx[cancel], events.time_us[cancel], 0, np.ones(int(cancel.sum()), np.int64)))
    rows.append((events.idx[cancel], events.time_us[cancel], 1, lists.value_fen[events.idx[cancel]]))

    approved = inside & (events.kind == REQUEST_RECEIPT) & (events.family == REFUND)
    approved &= np.isin(events.status, (399, 800))
    asked = (events.kind == REQUEST) & (events.family == REFUND)
    returned = np.zeros((len(lists.seq), events.returned.shape[1]), np.int64)
    returned[events.idx[asked]] = events.returned[asked]
    i = events.idx[approved]
    fen = (np.minimum(returned[i], lists.line_qty[i]) * lists.line_price_fen[i]).sum(axis=1)
    rows.append((i, events.time_us[approved], 2, fen))
    return _rolled(config, lists, rows, lo_us)


def _rolled(config: Config, lists: Lists, rows: list, lo_us: int) -> pa.Table:
    sites = np.array([s.code for s in config.sites], object)
    platforms = np.array([p.code for p in config.platforms], object)
    n_site, n_plat = len(sites), len(platforms)
    idx = np.concatenate([r[0] for r in rows])
    minute = (np.concatenate([r[1] for r in rows]) - lo_us) // (60 * US)
    column = np.concatenate([np.full(len(r[0]), r[2]) for r in rows])
    amount = np.concatenate([np.asarray(r[3], np.int64) for r in rows])
    key = (minute * n_site + lists.site[idx]) * n_plat + lists.platform[idx]
    used, at = np.unique(key, return_inverse=True)
    sums = np.zeros((len(used), len(COLUMNS)), np.int64)
    np.add.at(sums, (at.ravel(), column), amount)
    site_at = (used // n_plat) % n_site
    return pa.table(
        {
            "minute": pa.array((lo_us + (used // (n_site * n_plat)) * 60 * US).astype("datetime64[us]")),
            "site_code": pa.array(sites[site_at], pa.string()),
            "platform_code": pa.array(platforms[used % n_plat], pa.string()),
            "trade_mode": pa.array(site_trade_modes(config)[site_at], pa.string()),  # a site's lists have its mode
            "cancelled_lists": sums[:, 0],
            "cancelled_value_fen": sums[:, 1],
            "returned_value": pa.array([Decimal(int(v)).scaleb(-2) for v in sums[:, 2]], pa.decimal128(38, 10)),
            "tax_assessed": pa.array([Decimal(int(v)).scaleb(-5) for v in sums[:, 3]], pa.decimal128(38, 5)),
            "tax_voided": pa.array([Decimal(int(v)).scaleb(-5) for v in sums[:, 4]], pa.decimal128(38, 5)),
        }
    )
