"""A report's files as download buttons, each made only when it is asked for.

A download does not run the page again: the page stays as it is read, and a
second button clicked straight after the first still holds a file that
exists (a rerun gives every button a new one)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from dashboard.i18n import t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# format, label (a catalogue key, or the label itself), type, icon
FORMATS = (
    ("xlsx", "download_xlsx", XLSX, ":material/table:"),
    ("csv", "CSV", "text/csv", ":material/csv:"),
    ("md", "download_md", "text/markdown", ":material/article:"),
    ("pdf", "PDF (A4)", "application/pdf", ":material/picture_as_pdf:"),
)


def buttons(stem: str, file: Callable[[str], bytes | str]) -> None:
    """One button a format, side by side; `file(fmt)` makes the file when it is clicked."""
    for col, (fmt, label, mime, icon) in zip(st.columns(len(FORMATS)), FORMATS):
        shown = t(label) if label.startswith("download_") else label
        col.download_button(
            shown, functools.partial(file, fmt), f"{stem}.{fmt}", mime=mime, icon=icon, on_click="ignore"
        )
