"""Big-number tiles, the page header and the STALE banner, drawn as HTML."""

from __future__ import annotations

from html import escape
from pathlib import Path

import streamlit as st

CSS = Path(__file__).resolve().parents[2] / "assets" / "css" / "command.css"


def inject_css() -> None:
    st.html(f"<style>{CSS.read_text(encoding='utf-8')}</style>")


def tile(label: str, value: str, sub: str = "", *, css_class: str = "", test_id: str = "") -> None:
    tid = f' data-testid="{escape(test_id)}"' if test_id else ""
    st.html(
        f'<div class="cbec-tile {css_class}"{tid}><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div><div class="sub">{sub}</div></div>'
    )


def secondary_line(text: str, title: str = "", *, test_id: str = "") -> None:
    """A small line under the headline tiles: secondary figures that must not compete with them."""
    tid = f' data-testid="{escape(test_id)}"' if test_id else ""
    st.html(f'<div class="cbec-secondary" title="{escape(title)}"{tid}>{escape(text)}</div>')


def change_span(text: str, change: float | None) -> str:
    if change is None:
        return escape(text)
    cls = "cbec-up" if change >= 0 else "cbec-down"
    return f'<span class="{cls}">{escape(text)}</span>'


def header(title: str, clock: str, updated: str) -> None:
    st.html(
        f'<div class="cbec-header"><h1>{escape(title)}</h1><div><span class="cbec-clock">'
        f'{escape(clock)}</span><span class="cbec-updated">{escape(updated)}</span></div></div>'
    )


def stale_banner(text: str) -> None:
    st.html(f'<div class="cbec-stale" data-testid="stale-banner">{escape(text)}</div>')
