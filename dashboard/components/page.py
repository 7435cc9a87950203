"""What every page does first: the shared style, and the runtime or a clear stop."""

from __future__ import annotations

from html import escape

import streamlit as st

from core import runtime as rt
from core import simulated
from dashboard import access
from dashboard.components import tiles
from dashboard.i18n import t

KIOSK_CSS = tiles.CSS.parent / "kiosk.css"
WALL_CSS = tiles.CSS.parent / "wall-page.css"


def kiosk_css() -> None:
    st.html(f"<style>{KIOSK_CSS.read_text(encoding='utf-8')}</style>")


def wall_css() -> None:
    st.html(f"<style>{WALL_CSS.read_text(encoding='utf-8')}</style>")


def start(page: str) -> rt.Runtime:
    """The runtime, once the session may open `page` (checked here, on the server)."""
    tiles.inject_css()
    try:
        runtime = rt.current()
    except RuntimeError:
        st.error(t("no_runtime"))
        st.stop()
    if access.current() is None:
        access.gate(runtime)
    access.require_page(page)
    if page != "wall" and simulated.running(runtime.config):  # the wall marks its own canvas
        st.html(f'<div class="cbec-sim-mark" data-testid="sim-mark">{escape(t("sim_mark"))}</div>')
    return runtime
