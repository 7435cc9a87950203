"""The wall screen as one custom component: its HTML skeleton, the live event
stream and the keyboard live in assets/wall; Python hands it the slow panels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "wall"

_wall = st.components.v2.component(
    "cbec_wall",
    css=(ASSETS / "wall.css").read_text(encoding="utf-8"),
    js=(ASSETS / "wall.js").read_text(encoding="utf-8"),
)


def wall(data: dict[str, Any], *, key: str = "wall") -> str | None:
    """Mounts the wall; returns the key the viewer pressed in this run, if any
    ("pause", "next", "previous")."""
    result = _wall(data=data, key=key, on_key_change=lambda: None)
    return getattr(result, "key", None)
