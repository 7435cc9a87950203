"""The night's pace as a duty officer reads it off the wall: the milestones
passed and when, the peak minute, and where the day is heading."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

MILESTONES_PER_DAY = 10  # about this many steps to the plan's full day
MIN_MINUTES_TO_PROJECT = 30  # before this, one busy minute would swing the projection


@dataclass(frozen=True)
class Milestone:
    level: int  # lists passed
    at: datetime  # the end of the minute it was passed in


@dataclass(frozen=True)
class Peak:
    lists: int
    at: datetime  # the start of the minute


def round_step(total: float, parts: int) -> int:
    """The largest round step (1, 2 or 5 times a power of ten) that cuts `total`
    into at least `parts` pieces; 0 when there is nothing to cut."""
    raw = total / parts
    if raw < 1:
        return 0
    power = 10 ** math.floor(math.log10(raw))
    return int(max(m * power for m in (1, 2, 5) if m * power <= raw))


def step_for(full_day: float) -> int:
    """The milestone step: about ten a day."""
    return round_step(full_day, MILESTONES_PER_DAY)


def milestones(per_minute: np.ndarray, day0: datetime, step: int) -> list[Milestone]:
    """Every multiple of `step` the running total passed, with the minute it did."""
    if step <= 0 or len(per_minute) == 0:
        return []
    total = np.cumsum(per_minute)
    levels = np.arange(step, int(total[-1]) + 1, step)
    minutes = np.searchsorted(total, levels)  # the first minute whose running total reaches the level
    return [Milestone(int(lv), day0 + timedelta(minutes=int(m) + 1)) for lv, m in zip(levels, minutes)]


def peak(per_minute: np.ndarray, day0: datetime) -> Peak | None:
    if len(per_minute) == 0 or per_minute.max() <= 0:
        return None
    i = int(np.argmax(per_minute))
    return Peak(int(per_minute[i]), day0 + timedelta(minutes=i))


def projection(per_minute: np.ndarray, last_year: np.ndarray) -> float | None:
    """Today's full day if the rest of it follows last year's shape: today so far
    over last year at the same minute, times last year's whole day."""
    n = len(per_minute)
    if n < MIN_MINUTES_TO_PROJECT or len(last_year) < n:
        return None
    same_time = float(last_year[:n].sum())
    if same_time <= 0:
        return None
    return float(per_minute.sum()) / same_time * float(last_year.sum())


def merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching silences as one: several collectors quiet at once are one outage."""
    out: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
