"""The wall screen as one custom component: its HTML skeleton, the live event
stream, the playlist's rotation and the keyboard live in assets/wall."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "wall"

_wall = st.components.v2.component(
    "cbec_wall",
    css="\n".join((ASSETS / name).read_text(encoding="utf-8") for name in ("wall.css", "site.css")),
    js=(ASSETS / "wall.js").read_text(encoding="utf-8"),
)


def wall(data: dict[str, Any], *, key: str = "wall") -> None:
    """Mounts the wall with its settings: playlist, language, labels, the event stream's address."""
    _wall(data=data, key=key)
