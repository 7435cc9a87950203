"""Beijing wall-clock time. Customs times carry no zone and China has no DST,
so the store keeps naive timestamps in Asia/Shanghai time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def now_beijing() -> datetime:
    """Naive Beijing wall-clock time, microsecond precision."""
    return datetime.now(BEIJING).replace(tzinfo=None)


def to_epoch_seconds(beijing_naive: datetime) -> float:
    return beijing_naive.replace(tzinfo=BEIJING).timestamp()


def same_time_last_year(t: datetime) -> datetime:
    """The same date and time a year earlier; 29 February compares with the 28th."""
    try:
        return t.replace(year=t.year - 1)
    except ValueError:
        return t.replace(year=t.year - 1, day=28)
