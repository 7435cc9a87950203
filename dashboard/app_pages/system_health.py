"""System health: link utilisation, exchange queue and latency, equipment per
site, and how fresh each source and component is."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go
import streamlit as st

from core import live
from core.numbers import bits_per_second
from dashboard.components import charts, page, tiles
from dashboard.i18n import lang, t

runtime = page.start("system_health")


@st.fragment(run_every=live.refresh_seconds())
def system_health() -> None:
    snap = live.system_health()
    names = {s.code: (s.name_en if lang() == "en" else s.name_zh) for s in runtime.config.sites}
    st.subheader(t("system_health"))
    stale = [(n, h["lag_seconds"]) for n, h in snap.collectors.items() if h["stale"] or h["state"] == "error"]
    if stale:
        tiles.stale_banner(runtime.names.stale_banner(stale, lang()))
    latest = snap.latest
    states = {(c.site_code, c.component): (c.state, c.age_seconds) for c in snap.components.itertuples()}
    links = latest[(latest["metric"] == "utilization_ratio")]
    cols = st.columns(max(len(links), 1))
    for col, (_, row) in zip(cols, links.iterrows()):
        tput = latest[
            (latest["site_code"] == row["site_code"])
            & (latest["component"] == row["component"])
            & (latest["metric"] == "throughput_bps")
        ]["value"]
        sub = escape(bits_per_second(tput.iloc[0])) if len(tput) else ""
        state, age = states.get((row["site_code"], row["component"]), ("ok", 0.0))
        if state != "ok":
            # the last figure stays readable, marked as old rather than shown as current
            sub = f'<span class="cbec-down">{escape(t(state))} · {age:.0f} s</span> {sub}'
        with col:
            tiles.tile(
                f"{names.get(row['site_code'], row['site_code'])} · {row['component']}",
                f"{row['value']:.0%}",
                sub,
                css_class="cbec-site" + ("" if state == "ok" else " cbec-tile-old"),
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
        ex = ex.rename(index=names, columns={"queue_depth": t("queue_depth"), "latency_seconds": t("latency")})
        st.dataframe(ex.rename_axis(index=t("site"), columns=None), width="stretch")
        st.markdown(f"**{t('equipment')}**")
        eq = snap.components[~snap.components["kind"].isin(["link", "exchange"])]
        summary = (
            eq.groupby(["site_code", "kind"])["state"]
            .agg(total="count", ok=lambda s: int((s == "ok").sum()), down=lambda s: int((s != "ok").sum()))
            .reset_index()
        )
        st.dataframe(_named(summary, names).rename(columns=_headers()), hide_index=True, width="stretch")
    st.markdown(f"**{t('freshness')}**")
    # what needs attention first: down and stale components, the oldest on top
    fresh = snap.components.assign(ok=snap.components["state"] == "ok").sort_values(
        ["ok", "age_seconds"], ascending=[True, False]
    )
    fresh = fresh.drop(columns=["ok"]).assign(state=fresh["state"].map(t))
    st.dataframe(_named(fresh, names).rename(columns=_headers()), hide_index=True, width="stretch")


def _named(df, names: dict[str, str]):
    return df.assign(site_code=df["site_code"].map(lambda c: names.get(c, c)))


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
