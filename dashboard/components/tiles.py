"""Big-number tiles, tables, the page header and the STALE banner, drawn as
HTML: text a reader (and a test) can read, wrapped to the page's width."""

from __future__ import annotations

import re
from html import escape
from numbers import Integral
from pathlib import Path

import pandas as pd
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


def table(df: pd.DataFrame, *, test_id: str = "", max_height: int | None = None) -> None:
    """A table as HTML, every row and column visible: long cells wrap instead of
    running off the right edge, and numbers line up on the right. `max_height`
    (px) scrolls a long table inside its box rather than stretching the page."""
    st.html(table_html(df, test_id=test_id, max_height=max_height))


def table_html(df: pd.DataFrame, *, test_id: str = "", max_height: int | None = None) -> str:
    right = [_numeric(df[c]) for c in df.columns]
    head = "".join(f'<th class="{"num" if r else ""}">{escape(str(c))}</th>' for c, r in zip(df.columns, right))
    cells = (
        "".join(f'<td class="{"num" if r else ""}">{escape(_cell(v))}</td>' for v, r in zip(row, right))
        for row in df.itertuples(index=False, name=None)
    )
    body = "".join(f"<tr>{c}</tr>" for c in cells)
    tid = f' data-testid="{escape(test_id)}"' if test_id else ""
    style = f' style="max-height:{int(max_height)}px"' if max_height else ""
    return (
        f'<div class="cbec-table-wrap{" cbec-table-scroll" if max_height else ""}"{tid}{style}>'
        f'<table class="cbec-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )


_FIGURE = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?\s*(%|/\s*\d[\d,]*(\.\d+)?)?\s*▲?$")  # 1,234 · 97% · 27,374 / 32,000


def _numeric(col: pd.Series) -> bool:
    """Numbers, or figures already written out, line up on the right."""
    if pd.api.types.is_bool_dtype(col):
        return False
    if pd.api.types.is_numeric_dtype(col):
        return True
    shown = [str(v) for v in col if isinstance(v, str) and v]
    return bool(shown) and all(_FIGURE.match(v) for v in shown)


def _cell(v: object) -> str:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, pd.Timestamp):
        return f"{v:%m-%d %H:%M:%S}"
    if isinstance(v, Integral) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)
