"""System health: link utilisation, exchange queue and latency, equipment per
site, and how fresh each source and component is."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import data
from dashboard.components import charts, page, tiles
from dashboard.i18n import lang, t
from dashboard.numbers import bits_per_second

runtime = page.start("system_health")


@st.fragment(run_every=data.refresh_seconds())
def system_health() -> None:
    snap = data.system_health()
    names = {s.code: (s.name_en if lang() == "en" else s.name_zh) for s in runtime.config.sites}
    st.subheader(t("system_health"))
    stale = [n for n, h in snap.collectors.items() if h["stale"] or h["state"] == "error"]
    if stale:
        tiles.stale_banner(f"{t('stale')} · {t('stale_detail')}{', '.join(stale)}")
    latest = snap.latest
    links = latest[(latest["metric"] == "utilization_ratio")]
    cols = st.columns(max(len(links), 1))
    for col, (_, row) in zip(cols, links.iterrows()):
        tput = latest[
            (latest["site_code"] == row["site_code"])
            & (latest["component"] == row["component"])
            & (latest["metric"] == "throughput_bps")
        ]["value"]
        sub = bits_per_second(tput.iloc[0]) if len(tput) else ""
        with col:
            tiles.tile(
                f"{names.get(row['site_code'], row['site_code'])} · {row['component']}",
                f"{row['value']:.0%}",
                sub,
                css_class="cbec-site",
                test_id=f"link-{row['site_code']}-{row['component']}",
            )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('link_utilization')}**")
        fig = go.Figure()
        for (site, comp), part in snap.utilization.groupby(["site_code", "component"]):
            fig.add_scatter(x=part["minute"], y=part["value"], name=f"{names.get(site, site)} {comp}", mode="lines")
        fig.update_layout(**charts.LAYOUT, height=320, yaxis=dict(tickformat=".0%", rangemode="tozero"))
        st.plotly_chart(fig, key="utilization", config={"displayModeBar": False})
    with right:
        st.markdown(f"**{t('exchange')}**")
        ex = latest[latest["kind"] == "exchange"].pivot_table(index="site_code", columns="metric", values="value")
        st.dataframe(
            ex.rename(columns={"queue_depth": t("queue_depth"), "latency_seconds": t("latency")}), width="stretch"
        )
        st.markdown(f"**{t('equipment')}**")
        eq = snap.components[~snap.components["kind"].isin(["link", "exchange"])]
        summary = (
            eq.groupby(["site_code", "kind"])["state"]
            .agg(total="count", ok=lambda s: int((s == "ok").sum()), down=lambda s: int((s != "ok").sum()))
            .reset_index()
        )
        st.dataframe(summary.rename(columns=_headers()), hide_index=True, width="stretch")
    st.markdown(f"**{t('freshness')}**")
    st.dataframe(snap.components.rename(columns=_headers()), hide_index=True, width="stretch")


def _headers() -> dict[str, str]:
    return {
        "site_code": t("site"),
        "kind": t("kind"),
        "component": t("component"),
        "total": t("total"),
        "ok": t("ok"),
        "down": t("down"),
        "last_seen": t("last_seen"),
        "age_seconds": t("age_seconds"),
        "state": t("state"),
    }


system_health()
