"""The daily report's figures, read from the store for a date and an optional
cut-off: what the leaders' page, the exports, the digest and `cbec report` show.
Released lists and goods value are gross, as customs publishes them; net,
tax, cancellations, returns, format rejects and the 1210/9610 split stand beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from base.clock import same_time_last_year
from base.status import codes
from core.text import text
from queries import read

MILESTONE = 1_000_000  # a milestone each million lists
MODES_SHOWN = ("1210", "9610")  # bonded import and direct purchase, even at zero; "other" and "unknown" when present


@dataclass(frozen=True)
class Compared:
    lists: int
    value_fen: int
    lists_ly: int
    value_fen_ly: int
    days: int = 1  # days of the window that hold data, this year and last
    days_ly: int = 1
    first: datetime | None = None  # the first minute with data this year
    whole: bool = True  # data from the window's first day on
    loading: bool = False  # history is still being written: nothing compares yet

    @property
    def complete(self) -> bool:
        """This year's figure is the whole window's (not a part while history loads or starts late)."""
        return self.whole and not self.loading

    @property
    def has_ly(self) -> bool:
        """Last year's same window holds data for as many days as this year's: a comparison is a fact."""
        return self.complete and self.days_ly > 0 and self.days_ly >= self.days

    def change(self, now: int, before: int) -> float | None:
        """None when last year has nothing, or holds fewer days than this year, or this
        year's data starts late in the window, or history is loading (partial histories do not compare)."""
        return now / before - 1 if before and self.has_ly else None

    @property
    def ly_lists(self) -> int | None:
        """Last year's lists, or None where there is no such fact (never a 0 standing for 'no data')."""
        return self.lists_ly if self.has_ly else None

    @property
    def ly_value_fen(self) -> int | None:
        return self.value_fen_ly if self.has_ly else None

    @property
    def lists_change(self) -> float | None:
        return self.change(self.lists, self.lists_ly)

    @property
    def value_change(self) -> float | None:
        return self.change(self.value_fen, self.value_fen_ly)


@dataclass(frozen=True)
class Report:
    day: date
    start: datetime
    end: datetime  # the cut-off, or now for today so far, or the day's end
    cutoff: time | None  # as asked; None means the whole day (or so far)
    so_far: bool  # today, without a cut-off: the figures stop at `end`
    window: Compared  # the day to `end`, and last year's same day to the same time
    whole_day_ly: tuple[int, int] | None  # last year's same day, all of it: lists, value; None without data
    month: Compared  # month to `end` against last year's month to the same time
    year: Compared
    by_site: pd.DataFrame  # code, name_zh, name_en, lists, value_fen, lists_ly (NA without last year), share
    by_platform: pd.DataFrame
    by_category: pd.DataFrame  # from the category rollup, which counts every released list
    category_lists: int  # how many of the window's lists the category split covers
    hourly: pd.DataFrame  # hour, lists (NA after `end`), lists_ly (same minutes in the hour of `end`; NA without)
    peak_hour: tuple[int, int] | None  # hour, lists
    peak_minute: tuple[datetime, int] | None
    milestones: list[tuple[int, datetime]]  # each million reached, and when
    checks: dict[str, int]  # inspections, holds, rejects, manual_reviews
    simulated_history: bool
    simulated: bool = False  # any figure of the window comes from the simulator: every export says so
    net: read.Net = read.Net(0, 0, read.Adjustments())  # the window's gross with its cancellations, returns, tax
    by_trade_mode: dict[str, read.Net] = field(default_factory=dict)  # MODES_SHOWN, then others as present
    format_rejects: dict[str, int] = field(default_factory=dict)  # CEB900 by the type of message rejected
    is_today: bool = False  # the day reported is the clock's today ("今日" only then)
    history_loading: bool = False  # history is still being written: no comparison anywhere

    @property
    def has_data(self) -> bool:
        return self.window.lists > 0


def _compared(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, loading: bool) -> Compared:
    now = read.release_totals(con, start, end)
    ly = read.release_totals(con, same_time_last_year(start), same_time_last_year(end))
    days, first = read.release_coverage(con, start, end)
    days_ly, _ = read.release_coverage(con, same_time_last_year(start), same_time_last_year(end))
    whole = first is None or first < start + timedelta(days=1)
    return Compared(
        now.released_lists, now.goods_value_fen, ly.released_lists, ly.goods_value_fen, days, days_ly, first, whole,
        loading,
    )  # fmt: skip


def _hourly(minutes: pd.Series, ly_minutes: pd.Series, start: datetime, end: datetime, has_ly: bool) -> pd.DataFrame:
    """Lists by hour up to the hour of `end`; last year by hour, and in the hour of `end` only
    the same minutes (a part of an hour never stands against a whole one)."""
    last_hour = max(end - timedelta(microseconds=1), start).hour
    hourly = pd.DataFrame({"hour": range(24)})
    now = minutes.groupby(minutes.index.hour).sum()
    hourly["lists"] = hourly["hour"].map(now).fillna(0).astype("Int64")
    hourly.loc[hourly["hour"] > last_hour, "lists"] = pd.NA
    if not has_ly:
        hourly["lists_ly"] = pd.Series([pd.NA] * 24, dtype="Int64")
        return hourly
    ly_end = same_time_last_year(end)
    upto = ly_minutes[ly_minutes.index < ly_end]
    ly_upto = upto.groupby(upto.index.hour).sum()
    ly_whole = ly_minutes.groupby(ly_minutes.index.hour).sum()
    ly = [ly_upto.get(h, 0) if h <= last_hour else ly_whole.get(h, 0) for h in range(24)]
    hourly["lists_ly"] = pd.Series(ly, dtype="Int64")
    return hourly


def build(
    con: duckdb.DuckDBPyConnection,
    day: date,
    cutoff: time | None,
    now: datetime,
    simulator_sources: tuple[str, ...] = (),  # core.simulated.sources(config)
    history_loading: bool = False,  # the simulator is still writing history: nothing is compared
) -> Report:
    """The report of `day` up to `cutoff` (or the whole day); a day still running stops at `now`."""
    start = datetime.combine(day, time.min)
    end = datetime.combine(day, cutoff) if cutoff else start + timedelta(days=1)
    so_far = end > now
    # the rollups count whole minutes: a day still running stops at the last whole minute,
    # so this year and last year hold exactly the same minutes
    end = now.replace(second=0, microsecond=0) if so_far else end
    window = _compared(con, start, end, history_loading)
    ly_day = read.release_totals(con, same_time_last_year(start), same_time_last_year(start) + timedelta(days=1))

    by_site = pd.DataFrame(
        [
            {"code": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "lists": s.released_lists,
             "value_fen": s.goods_value_fen, "lists_ly": s.lists_ly}
            for s in read.sites_against_last_year(con, start, end)
        ],
        columns=["code", "name_zh", "name_en", "lists", "value_fen", "lists_ly"],
    ).sort_values(["lists", "code"], ascending=[False, True], ignore_index=True)  # fmt: skip
    by_site["lists_ly"] = by_site["lists_ly"].astype("Int64")
    if not window.has_ly:  # no 0 standing for "no data"
        by_site["lists_ly"] = pd.NA
    total = max(window.lists, 1)
    by_site["share"] = by_site["lists"] / total

    platform = read.release_by_platform(con, start, end).rename(
        columns={"platform_code": "code", "released_lists": "lists", "goods_value_fen": "value_fen"}
    )
    platform["name_zh"] = platform["name_zh"].fillna(platform["code"])
    platform["name_en"] = platform["name_en"].fillna(platform["code"])
    platform["share"] = platform["lists"] / total
    category = read.release_by_category(con, start, end).rename(
        columns={"category_code": "code", "released_lists": "lists", "goods_value_fen": "value_fen"}
    )
    for lang in ("zh", "en"):  # a release whose declaration has not landed has no category yet
        unknown = category["code"] == "unknown"
        category.loc[unknown, f"name_{lang}"] = text("category_unknown", lang)
        category[f"name_{lang}"] = category[f"name_{lang}"].fillna(category["code"])
    category_lists = int(category["lists"].sum())
    category["share"] = category["lists"] / max(category_lists, 1)

    minutes = read.release_per_minute(con, start, end)["released_lists"]
    ly_start = same_time_last_year(start)
    ly_minutes = read.release_per_minute(con, ly_start, ly_start + timedelta(days=1))["released_lists"]
    hourly = _hourly(minutes, ly_minutes, start, end, window.has_ly)

    peak_hour = None
    if window.lists:
        h = int(hourly["lists"].fillna(0).astype("int64").idxmax())
        peak_hour = (int(hourly.loc[h, "hour"]), int(hourly.loc[h, "lists"]))
    peak_minute = (minutes.idxmax().to_pydatetime(), int(minutes.max())) if window.lists else None
    cumulative = minutes.cumsum()
    milestones = []
    for m in range(MILESTONE, int(cumulative.iloc[-1] if len(cumulative) else 0) + 1, MILESTONE):
        reached = cumulative[cumulative >= m].index[0].to_pydatetime()
        milestones.append((m, reached + timedelta(minutes=1)))  # by the end of that minute

    status = read.receipts_by_status(con, start, end)

    def count(codes: tuple[int, ...]) -> int:
        return int(status[status["return_status"].isin(codes)]["receipts"].sum())

    checks = {
        "inspections": count(codes("inspection")),
        "holds": count(codes("held")),
        "rejects": count(codes("rejected")),
        "manual_reviews": count(codes("manual_review")),
    }
    simulated = bool(read.backfill_ranges(con, same_time_last_year(start), end))
    modes = read.by_trade_mode(con, start, end, always=MODES_SHOWN)
    return Report(
        day=day,
        start=start,
        end=end,
        cutoff=cutoff,
        so_far=so_far,
        window=window,
        whole_day_ly=(ly_day.released_lists, ly_day.goods_value_fen)
        if window.has_ly and ly_day.released_lists
        else None,
        month=_compared(con, start.replace(day=1), end, history_loading),
        year=_compared(con, start.replace(month=1, day=1), end, history_loading),
        by_site=by_site,
        by_platform=platform,
        by_category=category,
        category_lists=category_lists,
        hourly=hourly,
        peak_hour=peak_hour,
        peak_minute=peak_minute,
        milestones=milestones,
        checks=checks,
        simulated_history=simulated,
        simulated=simulated or read.simulated(con, start, end, simulator_sources),
        net=read.Net(window.lists, window.value_fen, read.adjustments(con, start, end)),
        by_trade_mode=modes,
        format_rejects=read.rejects_by_type(con, start, end),
        is_today=day == now.date(),
        history_loading=history_loading,
    )
