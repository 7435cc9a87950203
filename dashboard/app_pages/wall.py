"""Wall screens: the city and each site, for a TV nobody touches.

/wall?screen=bsq shows one screen; without `screen` the wall rotates the
configured playlist (or ?playlist=city:30,bsq:20). ?kiosk=1 hides all of
Streamlit. P pauses the rotation, the arrow keys step through it.
"""

from __future__ import annotations

import time
from html import escape

import streamlit as st

from dashboard import feed, playlist, wall_data, wall_html
from dashboard.components import page
from dashboard.components.wall import wall
from dashboard.i18n import lang, t, text

runtime = page.start()
cfg = runtime.config
names = {s.code: (s.name_zh, s.name_en) for s in cfg.sites}
screens = {wall_data.CITY, *names}
kiosk = st.query_params.get("kiosk") == "1"

LABELS = (
    "released_today",
    "goods_value_today",
    "per_minute",
    "last_full_minute",
    "yoy_same_time",
    "lists_unit",
    "updated",
    "connection_lost",
    "paused",
)


def screen_name(code: str, language: str) -> str:
    if code == wall_data.CITY:
        return text("city", language)
    zh, en = names[code]
    return en if language == "en" else zh


def slides_and_fixed() -> tuple[tuple, str | None]:
    fixed = st.query_params.get("screen")
    if fixed is not None and fixed not in screens:
        raise playlist.PlaylistError(f"unknown screen '{fixed}' (known: {', '.join(sorted(screens))})")
    given = st.query_params.get("playlist")
    return (playlist.parse(given, screens) if given else cfg.wall.slides), fixed


try:
    slides, fixed = slides_and_fixed()
except playlist.PlaylistError as e:
    st.error(f"{t('wall')}: {e}")
    st.stop()


def _slide_marks(current: int, language: str) -> str:
    return " · ".join(
        f"<b>{escape(screen_name(s.screen, language))}</b>" if i == current else escape(screen_name(s.screen, language))
        for i, s in enumerate(slides)
    )


@st.fragment(run_every=cfg.wall.refresh_seconds)
def live() -> None:
    language = lang()
    index, _ = playlist.position(slides, time.time())
    paused = st.session_state.get("wall_paused")
    if paused is not None:
        index = paused
    screen = fixed or slides[index].screen
    snap = wall_data.snapshot()
    body = wall_html.body(snap, screen, language, cfg)
    pressed = wall(
        {
            "screen": screen,
            "screen_name": screen_name(screen, language),
            "lang": language,
            "kiosk": kiosk,
            "title": f"{cfg.district_en if language == 'en' else cfg.district_zh} · {text('wall_title', language)}",
            "labels": {k: text(k, language) for k in LABELS}
            | {
                "vs_last_year": text("last_year", language),
                "goods_value_today": text("goods_value_today_cny", language),
            },
            "body": body,
            "body_id": f"{id(snap)}-{screen}-{language}",
            "slides": "" if fixed else _slide_marks(index, language),
            "paused": paused is not None and not fixed,
            "note": text("history_note", language) if snap.simulated_history else "",
            "events_url": "/api/wall/events",
            "initial": feed.message(wall_data.headlines(), screen, language),
        }
    )
    if pressed and not fixed:
        if pressed == "pause":
            st.session_state.wall_paused = None if paused is not None else index
        else:
            step = 1 if pressed == "next" else -1
            st.session_state.wall_paused = (index + step) % len(slides)
        st.rerun(scope="fragment")


if kiosk:
    page.kiosk_css()
live()
