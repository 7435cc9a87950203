"""A wall screen's event stream: the headline figures every second, and the
slow panels whenever the shared snapshot changes. Each message is made once
for everybody, so a screen costs its bytes on the wire, not a script rerun."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta, timezone

from core import pace
from core import runtime as rt
from core.live import CITY, Headlines, Screen, headlines, net_parts, snapshot
from core.numbers import count_en, count_text, percent_change, signed_percent, yuan_zh
from core.text import text
from dashboard import wall_html

BEIJING = timezone(timedelta(hours=8))


class _Made:
    """Events made once per source (a second's headlines, a snapshot), screen
    and language, whoever asks; a new source drops the old events."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._source: object = None
        self._events: dict[tuple[str, str], bytes] = {}

    def get(self, source: object, screen: str, lang: str, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            if source is not self._source:
                self._source, self._events = source, {}
            if (screen, lang) not in self._events:
                self._events[screen, lang] = make()
            return self._events[screen, lang]


_headline_events, _panel_events = _Made(), _Made()


def _event(data: dict, name: str = "") -> bytes:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (f"event: {name}\n" if name else "").encode() + f"data: {body}\n\n".encode()


def pace_lines(s: Screen, lang: str) -> dict[str, str]:
    """The slower figures under the tiles: the peak minute and where the day is heading."""
    top = pace.peak(s.minutes_today, s.day0)
    ahead = pace.projection(s.minutes_today, s.minutes_last_year)
    if lang == "en":
        peak_text = f"peak {top.lists:,}/min at {top.at:%H:%M}" if top else ""
        ahead_text = f"projected day {count_text(ahead, lang)}" if ahead else ""
    else:
        peak_text = f"峰值 {top.lists:,}单/分钟 {top.at:%H:%M}" if top else ""
        ahead_text = f"预计全天 {count_text(ahead, lang)}单" if ahead else ""
    return {"peak": peak_text, "projection": ahead_text or text("projection_later", lang)}


def message(h: Headlines, screen: str, lang: str, s: Screen | None = None, plan_growth: float = 0.0) -> dict:
    """One second's figures of a screen; `s` (the screen's slower snapshot) adds the pace lines."""
    one = h.screens[screen]
    yoy = percent_change(one.released_lists, one.last_year_same_time) if not h.loading else None
    net = net_parts(one, lang)
    no_history = h.loading or not one.last_year_same_time  # never "0" for a year with nothing stored
    ghost = "—" if no_history else count_text(one.last_year_same_time, lang)
    exact_value = f"{one.goods_value_fen / 100:,.2f}"
    return {
        "screen": screen,
        "now_ms": int(h.now.replace(tzinfo=BEIJING).timestamp() * 1000),
        "released": one.released_lists,
        "released_text": count_text(one.released_lists, lang),
        "released_exact": f"{one.released_lists:,}",
        "value_fen": one.goods_value_fen,
        "value_text": count_en(one.goods_value_fen / 100) if lang == "en" else yuan_zh(one.goods_value_fen),
        "value_exact": f"CNY {exact_value}" if lang == "en" else f"{exact_value} 元",
        "net_lists": net["lists"],  # net of cancellations: may go down, unlike the totals
        "net_value": net["value"],
        "tax": net["tax"],
        "per_minute": f"{one.last_minute:,}",
        "spark": one.per_minute,
        "yoy": signed_percent(yoy),
        "yoy_up": yoy is None or yoy >= 0,
        "as_of": h.data_as_of.strftime("%H:%M:%S") if h.data_as_of else "—",
        "stale": h.names.stale_banner(h.stale, lang) if h.stale else "",
        "sim": text("sim_mark", lang) if h.simulated else "",
        "loading": loading_text(h.loading, lang, "history_loading_short"),
        # the legend and the ghost counter read the same second as the tiles
        "ghost_text": ghost,
        "ghost_line": f"{text('last_year_same_moment', lang)} {ghost}",
        "plan_text": "—" if no_history else count_text(one.last_year_same_time * (1 + plan_growth), lang),
        "sites": {code: count_text(x.released_lists, lang) for code, x in h.screens.items() if code != CITY}
        if screen == CITY
        else {},
    } | (pace_lines(s, lang) if s is not None else {})


def loading_text(note: str, lang: str, key: str = "history_loading") -> str:
    """The back-fill note of the source, in the screen's language: "… (82/3226 pieces)"."""
    if not note:
        return ""
    progress = note[note.find("(") + 1 : note.find(" pieces)")] if "(" in note else ""
    return f"{text(key, lang)} {progress}".strip()


def event(screen: str, lang: str) -> bytes:
    """One `data:` event for this screen and language, made once per second."""
    h = headlines()

    def make() -> bytes:
        snap = snapshot()
        growth = rt.current().config.wall.plan_yoy_growth
        return _event(message(h, screen, lang, snap.screens.get(screen), growth))

    return _headline_events.get(h, screen, lang, make)


def panels(screen: str, lang: str) -> tuple[int, bytes]:
    """The slow panels as one `panels` event, made once per snapshot; and the
    snapshot's id, so a stream sends them only when they changed."""
    snap = snapshot()
    runtime = rt.current()
    video = any(c.site == screen for c in runtime.config.video.cameras)
    made = _panel_events.get(
        snap,
        screen,
        lang,
        lambda: _event({"screen": screen, "html": wall_html.body(snap, screen, lang, runtime.names, video)}, "panels"),
    )
    return id(snap), made


def next_events(screen: str, lang: str, panels_sent: int | None) -> tuple[bytes, int]:
    """This second's events for a stream that last got the panels of `panels_sent`."""
    chunk = event(screen, lang)
    snap_id, body = panels(screen, lang)
    return (body + chunk if snap_id != panels_sent else chunk), snap_id
