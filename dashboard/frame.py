"""The frame: page setup, the language switch, and navigation by role."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core import runtime as rt
from core.access.roles import may_open
from dashboard import access
from dashboard.i18n import lang, t

PAGES = Path(__file__).resolve().parent / "app_pages"
# served by the app itself: a material icon as page_icon loads from an outside font host
ICON = Path(__file__).resolve().parents[1] / "assets" / "icon.png"

kiosk = st.query_params.get("kiosk") == "1"
st.set_page_config(
    page_title="cbec-command",
    page_icon=str(ICON),
    layout="wide",
    initial_sidebar_state="collapsed" if kiosk else "auto",
)

try:
    runtime = rt.current()
except RuntimeError:  # each page says so
    runtime = None
viewer = access.gate(runtime) if runtime is not None else None
kiosk = kiosk or (viewer is not None and viewer.role == "kiosk")

if not kiosk:  # a wall screen has no sidebar; ?lang=en sets its language
    with st.sidebar:
        if viewer is not None:
            access.who_box(runtime, viewer)
        choice = st.radio(t("language"), ["中文", "English"], index=1 if lang() == "en" else 0, horizontal=True)
        wanted = "en" if choice == "English" else "zh"
        if wanted != st.session_state.lang:
            st.session_state.lang = wanted
            st.rerun()

SECTIONS = {
    "live": [
        ("overview", "overview", ":material/monitoring:", "overview"),
        ("wall", "wall", ":material/tv:", "wall"),
        ("video", "video", ":material/videocam:", "video"),
        ("warehouses", "warehouses", ":material/warehouse:", "warehouses"),
        ("system_health", "system_health", ":material/router:", "system-health"),
    ],
    "reports": [("report", "report_title", ":material/summarize:", "report")],
    "ops": [
        ("alerts", "alerts", ":material/notifications_active:", "alerts"),
        ("collectors", "collectors", ":material/lan:", "collectors"),
    ],
    "admin": [
        ("users", "users", ":material/group:", "users"),
        ("audit", "audit", ":material/policy:", "audit"),
    ],
}


NATIONAL_SECTIONS = {
    "national": [
        ("national", "national_wall", ":material/public:", "national"),
        ("national_report", "national_report", ":material/summarize:", "national-report"),
    ],
    "admin": SECTIONS["admin"],
}
# the national tier shows the districts, not a district of its own
national_mode = runtime is not None and runtime.config.national is not None
ROOT_PAGE = "national" if national_mode else "overview"
if national_mode:
    SECTIONS = NATIONAL_SECTIONS


def visible(page: str) -> bool:
    # only the pages the role may open exist for this session (each page checks
    # again); the root page is always there, and refuses a kiosk
    return viewer is None or may_open(viewer.role, page) or page == ROOT_PAGE


sections = {}
for section, pages in SECTIONS.items():
    listed = [
        st.Page(PAGES / f"{name}.py", title=t(title), icon=icon, url_path=url, default=name == ROOT_PAGE)
        for name, title, icon, url in pages
        if visible(name)
    ]
    if listed:
        sections[t(section)] = listed

if viewer is not None and viewer.via == "password" and not kiosk:

    @st.fragment(run_every=5)
    def still_signed_in() -> None:
        # an idle session ends, and a changed account narrows or ends it, even
        # while only its live fragments rerun
        access.leave_if_changed(runtime)

    with st.sidebar:
        still_signed_in()

navigation = st.navigation(sections, position="hidden" if kiosk else "sidebar")
by_url = {url: name for pages in SECTIONS.values() for name, _, _, url in pages}
access.remember_page(by_url.get(navigation.url_path, ROOT_PAGE), navigation.url_path)
navigation.run()
