"""The shape of a night: how many lists a day brings, when, and what happens to them.

Calibrated to the founding document: on 2019-11-11, 00:00-14:00, Ningbo released
6,311,000 lists worth 1.334 bn CNY (about 211.4 CNY a list), 74% of volume at the
Bonded Zone and 23% at Hangzhou Bay. The promotion curve follows Tmall's
published cumulative GMV (45% of the day by 01:26, 63% by 10:05, 80% by 16:31).

Last year (2018) is drawn to its own published figures, from configuration
(`last_year_*` in [simulator]), and its own promotion curve below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

MEAN_LIST_VALUE_CNY = 1_334_000_000 / 6_311_000  # 211.38

# cumulative share of the day's lists by hour of day (Beijing time)
PROMOTION_CURVE = [
    (0.0, 0.0),
    (0.25, 0.12),
    (0.5, 0.22),
    (1.0, 0.355),
    (1.433, 0.43),
    (2.0, 0.475),
    (3.0, 0.505),
    (5.0, 0.53),
    (7.0, 0.55),
    (8.0, 0.565),
    (9.0, 0.59),
    (10.083, 0.63),
    (12.0, 0.685),
    (14.0, 0.733),
    (16.517, 0.80),
    (19.0, 0.865),
    (21.0, 0.925),
    (22.5, 0.965),
    (24.0, 1.0),
]
# last year's promotion day (2018): an assumption, not a published curve. The
# afternoon and evening much as in 2019 but slower first hours: the rush after
# midnight built up over longer (about 29% of the day by 01:00 and 38.5% by
# 01:30, against 35.5% and 43.5% in 2019)
LAST_YEAR_PROMOTION_CURVE = [
    (0.0, 0.0),
    (0.25, 0.085),
    (0.5, 0.165),
    (1.0, 0.29),
    (1.79, 0.44),
    (2.0, 0.46),
    (3.0, 0.495),
    (5.0, 0.522),
    (7.0, 0.542),
    (8.0, 0.557),
    (9.0, 0.582),
    (10.083, 0.62),
    (12.0, 0.675),
    (14.0, 0.725),
    (16.517, 0.795),
    (19.0, 0.862),
    (21.0, 0.922),
    (22.5, 0.963),
    (24.0, 1.0),
]
# an ordinary day: quiet small hours, a morning rise, an evening peak
ORDINARY_CURVE = [
    (0.0, 0.0),
    (1.0, 0.035),
    (2.0, 0.05),
    (6.0, 0.07),
    (8.0, 0.11),
    (10.0, 0.22),
    (12.0, 0.33),
    (14.0, 0.43),
    (17.0, 0.57),
    (19.0, 0.66),
    (21.0, 0.80),
    (23.0, 0.95),
    (24.0, 1.0),
]

# half-width of the moving average over the per-minute pace
SMOOTHING_MINUTES = 10

# What happens to a list after it is declared (receipt 2). Shares of all lists.
PATHS = ("release", "manual", "inspect", "reject", "send_fail", "proc_error", "hold")
PATH_SHARE = np.array([0.9485, 0.035, 0.004, 0.006, 0.004, 0.001, 0.0015])
PATH_SHARE = PATH_SHARE / PATH_SHARE.sum()

# status delays, seconds: (median, sigma of the log) of a lognormal
ACCEPT_DELAY = (0.8, 0.6)  # 2 -> 120
RELEASE_DELAY = (0.35, 0.7)  # 120 -> 800 for low-risk lists
MANUAL_DELAY = (1.0 * 3600, 0.4)  # 300 -> 800, hours later
# the review desk decides every list within the half-day target: it works the
# oldest first, so none waits longer than this on a normal night
MANUAL_CAP = 2.5 * 3600
INSPECT_DELAY = (3.0 * 3600, 0.5)  # 500 -> 800
CLEAR_DELAY = (1.5 * 3600, 0.4)  # 800 -> 899
RESEND_DELAY = (120.0, 0.5)  # 4 -> 2 again

# category mix of the dominant line, with a sample HS code each
CATEGORY_SHARE = {
    "cosmetics": 0.30,
    "infant": 0.20,
    "health": 0.15,
    "food": 0.20,
    "apparel": 0.07,
    "toys": 0.03,
    "other": 0.05,
}
SAMPLE_HS = {
    "cosmetics": "3304990099",
    "infant": "1901101000",
    "health": "2106909090",
    "food": "2009899090",
    "apparel": "6110200099",
    "toys": "9503008900",
    "other": "8509800000",
}

LINES_EXTRA_MEAN = 0.4  # lines per list = 1 + Poisson(0.4), at most 6
LINE_VALUE_SIGMA = 0.7


@dataclass(frozen=True)
class DayPlan:
    """One simulated day: its kind and its size."""

    day: date
    kind: str  # "promotion" | "ordinary"
    declared_lists: float  # expected lists declared over the whole day
    mean_list_value_cny: float = MEAN_LIST_VALUE_CNY
    # share of the lists at each configured site, in their order (None: the
    # sites' own volume_share)
    site_share: tuple[float, ...] | None = None
    last_year: bool = False  # drawn to last year's figures, with its own promotion curve

    @property
    def curve(self) -> list[tuple[float, float]]:
        if self.kind != "promotion":
            return ORDINARY_CURVE
        return LAST_YEAR_PROMOTION_CURVE if self.last_year else PROMOTION_CURVE

    def minute_weights(self) -> np.ndarray:
        """Share of the day's lists declared in each of its 1440 minutes: the
        slope of the cumulative curve, smoothed so the pace has no cliff at a knot."""
        hours = np.arange(1441) / 60.0
        xs, ys = zip(*self.curve)
        rate = np.diff(np.interp(hours, xs, ys))
        k = SMOOTHING_MINUTES
        padded = np.concatenate([rate[k - 1 :: -1], rate, rate[: -k - 1 : -1]])  # mirrored edges
        smooth = np.convolve(padded, np.ones(2 * k + 1) / (2 * k + 1), mode="same")[k:-k]
        return smooth / smooth.sum() * rate.sum()


def _lognormal_cdf(x: float, median: float, sigma: float, cap: float = math.inf) -> float:
    if x <= 0:
        return 0.0
    if x >= cap:
        return 1.0
    return 0.5 * (1 + math.erf(math.log(x / median) / (sigma * math.sqrt(2))))


def expected_released_share(kind: str, until_hour: float, last_year: bool = False) -> float:
    """Expected share of a day's declared lists released on that day by `until_hour`."""
    plan = DayPlan(date(2000, 1, 1), kind, 1.0, last_year=last_year)
    w = plan.minute_weights()
    n = int(round(until_hour * 60))
    share = 0.0
    fast = PATH_SHARE[PATHS.index("release")] + PATH_SHARE[PATHS.index("send_fail")]
    manual = PATH_SHARE[PATHS.index("manual")]
    inspect = PATH_SHARE[PATHS.index("inspect")] * 0.9
    for m in range(n):
        left = (n - m - 0.5) * 60.0
        share += w[m] * (
            fast
            + manual * _lognormal_cdf(left, *MANUAL_DELAY, MANUAL_CAP)
            + inspect * _lognormal_cdf(left, *INSPECT_DELAY)
        )
    return share


def promotion_day_lists(released_by_14h: int) -> float:
    """Lists declared over a promotion day that release `released_by_14h` by 14:00."""
    return released_by_14h / expected_released_share("promotion", 14.0)


def last_year_promotion_day_lists(released_on_the_day: int) -> float:
    """Lists declared over last year's promotion day that release
    `released_on_the_day` by its midnight."""
    return released_on_the_day / expected_released_share("promotion", 24.0, last_year=True)
