"""The frame: page setup, the language switch, and navigation by role."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.i18n import lang, t

PAGES = Path(__file__).resolve().parent / "app_pages"

kiosk = st.query_params.get("kiosk") == "1"
st.set_page_config(
    page_title="cbec-command",
    page_icon=":material/travel_explore:",
    layout="wide",
    initial_sidebar_state="collapsed" if kiosk else "auto",
)

if not kiosk:  # a wall screen has no sidebar; ?lang=en sets its language
    with st.sidebar:
        choice = st.radio(t("language"), ["中文", "English"], index=1 if lang() == "en" else 0, horizontal=True)
        wanted = "en" if choice == "English" else "zh"
        if wanted != st.session_state.lang:
            st.session_state.lang = wanted
            st.rerun()

navigation = st.navigation(
    {
        t("live"): [
            st.Page(
                PAGES / "overview.py",
                title=t("overview"),
                icon=":material/monitoring:",
                url_path="overview",
                default=True,
            ),
            st.Page(PAGES / "wall.py", title=t("wall"), icon=":material/tv:", url_path="wall"),
            st.Page(PAGES / "warehouses.py", title=t("warehouses"), icon=":material/warehouse:", url_path="warehouses"),
            st.Page(
                PAGES / "system_health.py", title=t("system_health"), icon=":material/router:", url_path="system-health"
            ),
        ],
        t("reports"): [
            st.Page(PAGES / "report.py", title=t("report_title"), icon=":material/summarize:", url_path="report")
        ],
        t("ops"): [
            st.Page(PAGES / "alerts.py", title=t("alerts"), icon=":material/notifications_active:", url_path="alerts"),
            st.Page(PAGES / "collectors.py", title=t("collectors"), icon=":material/lan:", url_path="collectors"),
        ],
    },
    position="hidden" if kiosk else "sidebar",
)
navigation.run()
