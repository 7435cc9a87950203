"""Warehouses: occupancy per warehouse and per site, the fullest first, and the trend."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import live
from core.numbers import percent
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
            tiles.tile(names.get(site, site), percent(row["used"] / row["area"]), sub, test_id=f"occupancy-{site}")
    st.markdown(f"**{t('fullest_first')}**")
    # all 37 on one screen: three tables side by side, fullest first down the left;
    # a warehouse's name carries its site, so the site is no column of its own
    rows = occupancy_rows(latest, near_full)
    third = -(-len(rows) // 3)
    for col, start in zip(st.columns(3), range(0, len(rows), third)):
        with col:
            tiles.table(rows[start : start + third], test_id="warehouse-table")
    seen = latest["sampled_at"].max()
    if not pd.isna(seen):
        st.caption(f"{t('sampled_at')} {seen:%H:%M:%S}")

    st.markdown(f"**{t('occupancy_trend')}**")
    fig = go.Figure()
    for site, part in snap.trend.groupby("site_code"):
        fig.add_scatter(x=part["bucket"], y=part["occupancy_ratio"], name=names.get(site, site), mode="lines")
    if near_full is not None:
        fig.add_hline(y=near_full, line_dash="dot", line_color="#ff6b6b")
    fig.update_layout(
        **charts.LAYOUT, height=300, yaxis=dict(**charts.PERCENT_AXIS, range=[0, 1.02]), xaxis=charts.TIME_AXIS
    )
    st.plotly_chart(fig, key="occupancy-trend", config={"displayModeBar": False})


def occupancy_rows(latest: pd.DataFrame, near_full: float | None) -> pd.DataFrame:
    """One row per warehouse by its display name; ▲ marks one past the near-full threshold."""

    def occupancy(ratio: float) -> str:
        mark = " ▲" if near_full is not None and ratio == ratio and ratio > near_full else ""
        return percent(ratio) + mark

    def used(row) -> str:
        return "" if row.used_m2 != row.used_m2 else f"{row.used_m2:,.0f} / {row.area_m2:,.0f}"

    return pd.DataFrame(
        {
            t("warehouse"): latest["name_en"] if lang() == "en" else latest["name_zh"],
            t("occupancy"): latest["occupancy_ratio"].map(occupancy),
            t("used_of_area_m2"): [used(r) for r in latest.itertuples()],
        }
    ).reset_index(drop=True)


warehouses()
