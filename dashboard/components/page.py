"""What every page does first: the shared style, and the runtime or a clear stop."""

from __future__ import annotations

import streamlit as st

from collectors import runtime as rt
from dashboard.components import tiles
from dashboard.i18n import t

KIOSK_CSS = tiles.CSS.parent / "kiosk.css"


def kiosk_css() -> None:
    st.html(f"<style>{KIOSK_CSS.read_text(encoding='utf-8')}</style>")


def start() -> rt.Runtime:
    tiles.inject_css()
    try:
        return rt.current()
    except RuntimeError:
        st.error(t("no_runtime"))
        st.stop()
