"""Wall screens: the city and each site, for a TV nobody touches.

/wall?screen=bsq shows one screen; without `screen` the wall rotates the
configured playlist (or ?playlist=city:30,bsq:20). ?kiosk=1 hides all of
Streamlit. P pauses the rotation, the arrow keys step through it. With a list
of servers ([wall] servers, or ?servers=) the wall moves to the next one that
answers when its own stops (assets/wall/wall.js), and says which it shows.

Everything live reaches the page over the wall's event stream (see
dashboard/feed.py); the fragment below only re-sends the page's settings now
and then, so a screen costs no script reruns while it shows the night.
"""

from __future__ import annotations

import streamlit as st

from base.config import ConfigError, wall_servers
from core import live as wall_data
from core.access.roles import KIOSK
from dashboard import access, playlist
from dashboard.components import page
from dashboard.components.video import wall_video
from dashboard.components.wall import wall
from dashboard.i18n import lang, t, text

runtime = page.start("wall")
viewer = access.current()
cfg = runtime.config
names = {s.code: (s.name_zh, s.name_en) for s in cfg.sites}
screens = {wall_data.CITY, *names}
if viewer.role == KIOSK and "*" not in viewer.screens:  # a kiosk token shows its own screens only
    screens &= set(viewer.screens)
kiosk = st.query_params.get("kiosk") == "1" or viewer.role == KIOSK

LABELS = ("released_today", "per_minute", "last_full_minute", "yoy_same_time", "lists_unit", "updated",
          "connection_lost", "paused", "wall_denied")  # fmt: skip


def screen_name(code: str, language: str) -> str:
    if code == wall_data.CITY:
        return text("city", language)
    zh, en = names[code]
    return en if language == "en" else zh


def slides_and_fixed() -> tuple[tuple, bool]:
    fixed = st.query_params.get("screen")
    if fixed is not None:
        if fixed not in screens:
            raise playlist.PlaylistError(f"unknown screen '{fixed}' (known: {', '.join(sorted(screens))})")
        return (playlist.Slide(fixed, playlist.DEFAULT_DWELL),), True
    given = st.query_params.get("playlist")
    if given:
        return playlist.parse(given, screens), False
    mine = tuple(s for s in cfg.wall.slides if s.screen in screens)
    return mine or (playlist.Slide(sorted(screens)[0], playlist.DEFAULT_DWELL),), False


def servers() -> list[dict]:
    """The servers to move along; a kiosk token goes only to those configured."""
    given = st.query_params.get("servers")
    listed = wall_servers(given, "?servers=") if given else cfg.wall.servers
    return [{"url": u, "trusted": u in cfg.wall.servers} for u in listed]


def server_name(language: str) -> str:
    me = cfg.instance
    return runtime.names.instance(me.name or st.context.headers.get("host", ""), me.role, language)


try:
    slides, fixed = slides_and_fixed()
    moves = servers()
except (playlist.PlaylistError, ConfigError) as e:
    st.error(f"{t('wall')}: {e}")
    st.stop()


@st.fragment(run_every=cfg.wall.resync_seconds)
def settings() -> None:
    access.leave_if_changed(runtime)  # a session narrowed or ended, a kiosk token revoked
    language = lang()
    wall(
        {
            "slides": [
                {"screen": s.screen, "dwell": s.dwell_seconds, "name": screen_name(s.screen, language)} for s in slides
            ],  # fmt: skip
            "fixed": fixed,
            "lang": language,
            "kiosk": kiosk,
            "title": f"{cfg.district_en if language == 'en' else cfg.district_zh} · {text('wall_title', language)}",
            "labels": {k: text(k, language) for k in LABELS}
            | {"goods_value_today": text("goods_value_today_cny", language)},
            "note": text("history_note", language) if wall_data.snapshot().simulated_history else "",
            "events_url": "/api/wall/events",
            "servers": moves,
            "server": server_name(language) if moves else "",
            "ticket": access.stream_ticket(runtime),
            "video": wall_video(runtime, language, screens),
        }
    )


if kiosk:
    page.kiosk_css()
page.wall_css()  # the wall's own banner says when the connection is lost, not Streamlit's dialog
settings()
