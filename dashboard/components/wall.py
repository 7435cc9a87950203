"""The wall screen as one custom component: its HTML skeleton, the live event
stream, the playlist's rotation and the keyboard live in assets/wall."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "wall"

VIDEO = ASSETS.parent / "video"

_wall = st.components.v2.component(
    "cbec_wall",
    css="\n".join(
        (folder / name).read_text(encoding="utf-8")
        for folder, name in ((ASSETS, "wall.css"), (ASSETS, "site.css"), (VIDEO, "video.css"))
    ),
    # the camera player first: the wall's video panel uses it
    js="\n".join(
        (folder / name).read_text(encoding="utf-8") for folder, name in ((VIDEO, "player.js"), (ASSETS, "wall.js"))
    ),
)


def wall(data: dict[str, Any], *, key: str = "wall") -> None:
    """Mounts the wall with its settings: playlist, language, labels, the event stream's address."""
    _wall(data=data, key=key)
