"""Cameras on screens: what a page needs to play them (their addresses and names,
the player's words) and the video page's grid as one custom component; the
player itself is assets/video/player.js, shared with the wall's video panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from core.runtime import Runtime
from core.text import text

VIDEO = Path(__file__).resolve().parents[2] / "assets" / "video"

_grid = st.components.v2.component(
    "cbec_video_grid",
    css="\n".join((VIDEO / name).read_text(encoding="utf-8") for name in ("video.css", "grid.css")),
    js="\n".join((VIDEO / name).read_text(encoding="utf-8") for name in ("player.js", "grid.js")),
)


def labels(lang: str) -> dict[str, str]:
    return {
        "lost": text("video_lost", lang),
        "ago": text("video_ago", lang),
        "sec": text("video_sec", lang),
        "min": text("video_min", lang),
        "hour": text("video_hour", lang),
    }


def cameras(
    runtime: Runtime, lang: str, sites: set[str] | None = None, with_site: bool = True
) -> dict[str, list[dict[str, str]]]:
    """Per site, its cameras as a player needs them: the app's own address of the playlist and a
    name (on a site's own wall without the site's name, which the wall's title already says)."""
    out: dict[str, list[dict[str, str]]] = {}
    for c in runtime.config.video.cameras:
        if sites is None or c.site in sites:
            name = runtime.names.camera(c.name, c.kind, lang)
            out.setdefault(c.site, []).append(
                {
                    "id": f"{c.site}/{c.name}",
                    "url": f"/video/{c.site}/{c.name}/index.m3u8",
                    "name": f"{runtime.names.site(c.site, lang)} · {name}" if with_site else name,
                }
            )
    return out


def wall_video(runtime: Runtime, lang: str, sites: set[str]) -> dict[str, Any]:
    """The wall's video panel settings: the screens' cameras, how long each shows, the words."""
    return {"cameras": cameras(runtime, lang, sites, with_site=False), "rotate": runtime.config.video.rotate_seconds,
            "labels": labels(lang)}  # fmt: skip


def grid(data: dict[str, Any], *, key: str = "video") -> None:
    """Mounts the video page's grid: one row of cameras per site, a click enlarges one."""
    _grid(data=data, key=key)
