"""Warehouses: occupancy per warehouse and per site, the fullest first, and the trend."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from core import live
from dashboard.components import charts, page, tiles
from dashboard.i18n import lang, t

runtime = page.start("warehouses")


@st.fragment(run_every=live.refresh_seconds() * 2)
def warehouses() -> None:
    snap = live.warehouses()
    st.subheader(t("warehouses"))
    latest = snap.latest
    near_full = snap.limits.threshold("warehouse_occupancy", "warning")  # the alert rule's, as edited
    if latest["occupancy_ratio"].isna().all():
        st.info(t("no_occupancy"))
        return
    by_site = (
        latest.dropna(subset=["occupancy_ratio"])
        .groupby("site_code")
        .agg(
            used=("used_m2", "sum"),
            area=("area_m2", "sum"),
            full=("occupancy_ratio", lambda r: int((r > (near_full or 1)).sum())),
        )
    )
    cols = st.columns(len(by_site) or 1)
    names = {s.code: (s.name_en if lang() == "en" else s.name_zh) for s in runtime.config.sites}
    for col, (site, row) in zip(cols, by_site.iterrows()):
        with col:
            sub = f"{row['used'] / 1e4:,.1f} / {row['area'] / 1e4:,.1f} {t('wan_m2')}"
            if row["full"]:
                sub += f' · <span class="cbec-down">{row["full"]} {t("near_full")}</span>'
            tiles.tile(names.get(site, site), f"{row['used'] / row['area']:.0%}", sub, test_id=f"occupancy-{site}")
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**{t('fullest_first')}**")
        table = latest.assign(name=latest["name_en"] if lang() == "en" else latest["name_zh"])[
            ["name", "site_code", "occupancy_ratio", "used_m2", "area_m2", "sampled_at"]
        ]
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=420,
            column_config={
                "name": t("warehouse"),
                "site_code": t("site"),
                "occupancy_ratio": st.column_config.ProgressColumn(
                    t("occupancy"), format="percent", min_value=0, max_value=1
                ),
                "used_m2": st.column_config.NumberColumn(t("used_m2"), format="%.0f"),
                "area_m2": st.column_config.NumberColumn(t("area_m2"), format="%d"),
                "sampled_at": st.column_config.DatetimeColumn(t("sampled_at"), format="HH:mm:ss"),
            },
        )
    with right:
        st.markdown(f"**{t('occupancy_trend')}**")
        fig = go.Figure()
        for site, part in snap.trend.groupby("site_code"):
            fig.add_scatter(x=part["bucket"], y=part["occupancy_ratio"], name=names.get(site, site), mode="lines")
        if near_full is not None:
            fig.add_hline(y=near_full, line_dash="dot", line_color="#ff6b6b")
        fig.update_layout(**charts.LAYOUT, height=420, yaxis=dict(tickformat=".0%", range=[0, 1.02]))
        st.plotly_chart(fig, key="occupancy-trend", config={"displayModeBar": False})


warehouses()
