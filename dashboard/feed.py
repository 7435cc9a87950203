"""A wall screen's event stream: the headline figures every second, and the
slow panels whenever the shared snapshot changes. Each message is made once
for everybody, so a screen costs its bytes on the wire, not a script rerun."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta, timezone

from core import runtime as rt
from core.live import Headlines, headlines, net_parts, snapshot
from core.numbers import count_en, count_zh, percent_change, signed_percent, yuan_zh
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


def message(h: Headlines, screen: str, lang: str) -> dict:
    one = h.screens[screen]
    yoy = percent_change(one.released_lists, one.last_year_same_time) if not h.loading else None
    net = net_parts(one, lang)
    return {
        "screen": screen,
        "now_ms": int(h.now.replace(tzinfo=BEIJING).timestamp() * 1000),
        "released": one.released_lists,
        "released_text": count_en(one.released_lists) if lang == "en" else count_zh(one.released_lists),
        "released_exact": f"{one.released_lists:,}",
        "value_fen": one.goods_value_fen,
        "value_text": count_en(one.goods_value_fen / 100) if lang == "en" else yuan_zh(one.goods_value_fen),
        "value_exact": f"{one.goods_value_fen / 100:,.2f} CNY",
        "net_lists": net["lists"],  # net of cancellations: may go down, unlike the totals
        "net_value": f"{net['value']} · {net['tax']}",
        "per_minute": f"{one.last_minute:,}",
        "spark": one.per_minute,
        "yoy": signed_percent(yoy),
        "yoy_up": yoy is None or yoy >= 0,
        "as_of": h.data_as_of.strftime("%H:%M:%S") if h.data_as_of else "—",
        "stale": h.names.stale_banner(h.stale, lang) if h.stale else "",
        "sim": text("sim_mark", lang) if h.simulated else "",
        "loading": loading_text(h.loading, lang),
    }


def loading_text(note: str, lang: str) -> str:
    """The back-fill note of the source, in the screen's language: "… (82/3226 pieces)"."""
    if not note:
        return ""
    progress = note[note.find("(") + 1 : note.find(" pieces)")] if "(" in note else ""
    return f"{text('history_loading', lang)} {progress}".strip()


def event(screen: str, lang: str) -> bytes:
    """One `data:` event for this screen and language, made once per second."""
    h = headlines()
    return _headline_events.get(h, screen, lang, lambda: _event(message(h, screen, lang)))


def panels(screen: str, lang: str) -> tuple[int, bytes]:
    """The slow panels as one `panels` event, made once per snapshot; and the
    snapshot's id, so a stream sends them only when they changed."""
    snap = snapshot()
    cfg = rt.current().config
    made = _panel_events.get(
        snap,
        screen,
        lang,
        lambda: _event({"screen": screen, "html": wall_html.body(snap, screen, lang, cfg)}, "panels"),
    )
    return id(snap), made


def next_events(screen: str, lang: str, panels_sent: int | None) -> tuple[bytes, int]:
    """This second's events for a stream that last got the panels of `panels_sent`."""
    chunk = event(screen, lang)
    snap_id, body = panels(screen, lang)
    return (body + chunk if snap_id != panels_sent else chunk), snap_id
