"""Site video: every configured camera, a row per site; a click enlarges one.
Each picture plays the app's own HLS of the camera (one ffmpeg per camera on the
server, whoever watches); a stopped feed keeps its last frame, dimmed, with 信号中断."""

from __future__ import annotations

import streamlit as st

from dashboard import access
from dashboard.components import page
from dashboard.components.video import cameras, grid, labels
from dashboard.i18n import lang, t

runtime = page.start("video")
cfg = runtime.config
st.subheader(t("video"))
by_site = cameras(runtime, lang())
if not by_site:
    st.info(t("no_cameras"))
    st.stop()
st.caption(t("video_click"))


@st.fragment(run_every=cfg.wall.resync_seconds)
def pictures() -> None:
    access.leave_if_changed(runtime)  # a session narrowed or ended, a kiosk token revoked
    sites = [
        {"code": s.code, "name": runtime.names.site(s.code, lang()), "cameras": by_site[s.code]}
        for s in cfg.sites
        if s.code in by_site
    ]
    grid({"sites": sites, "labels": labels(lang()), "ticket": access.stream_ticket(runtime)})


pictures()
