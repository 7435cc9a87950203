"""System health: link utilisation, exchange queue and latency, equipment per
site, and how fresh each source and component is."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core import live
from core.names import age
from core.numbers import bits_per_second, percent
from dashboard.components import charts, page, tiles
from dashboard.i18n import lang, t

runtime = page.start("system_health")
STATE_WORD = {"ok": "ok", "down": "down", "stale": "stale"}  # a component's state, as read


def state_word(state: str) -> str:
    return t(STATE_WORD.get(state, "down"))


@st.fragment(run_every=live.refresh_seconds())
def system_health() -> None:
    snap = live.system_health()
    names = {s.code: (s.name_en if lang() == "en" else s.name_zh) for s in runtime.config.sites}
    st.subheader(t("system_health"))
    instances()
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
        state, seen = states.get((row["site_code"], row["component"]), ("ok", 0.0))
        if state != "ok":
            # the last figure stays readable, marked as old rather than shown as current
            sub = f'<span class="cbec-down">{escape(state_word(state))} · {escape(age(seen, lang()))}</span> {sub}'
        with col:
            tiles.tile(
                f"{names.get(row['site_code'], row['site_code'])}"
                f" · {runtime.names.component(row['component'], lang())}",
                percent(row["value"]),
                sub,
                css_class="cbec-site" + ("" if state == "ok" else " cbec-tile-old"),
                test_id=f"link-{row['site_code']}-{row['component']}",
            )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('link_utilization')}**")
        fig = go.Figure()
        for (site, comp), part in snap.utilization.groupby(["site_code", "component"]):
            shown = f"{names.get(site, site)} {runtime.names.component(comp, lang())}"
            fig.add_scatter(x=part["minute"], y=part["value"], name=shown, mode="lines")
        fig.update_layout(
            **charts.LAYOUT,
            height=320,
            yaxis=dict(**charts.PERCENT_AXIS, rangemode="tozero"),
            xaxis=charts.TIME_AXIS,
        )
        st.plotly_chart(fig, key="utilization", config={"displayModeBar": False})
    with right:
        st.markdown(f"**{t('exchange')}**")
        ex = latest[latest["kind"] == "exchange"].pivot_table(index="site_code", columns="metric", values="value")
        tiles.table(
            pd.DataFrame(
                {
                    t("site"): [names.get(c, c) for c in ex.index],
                    t("queue_depth"): [_whole(v) for v in ex.get("queue_depth", pd.Series(index=ex.index))],
                    t("latency"): [_seconds(v) for v in ex.get("latency_seconds", pd.Series(index=ex.index))],
                }
            ),
            test_id="exchange-table",
        )
        st.markdown(f"**{t('equipment')}**")
        eq = snap.components[~snap.components["kind"].isin(["link", "exchange"])]
        summary = (
            eq.groupby(["site_code", "kind"])["state"]
            .agg(total="count", ok=lambda s: int((s == "ok").sum()), down=lambda s: int((s != "ok").sum()))
            .reset_index()
        )
        tiles.table(_named(summary, names).rename(columns=_headers()), test_id="equipment-table")
    cameras()
    st.markdown(f"**{t('freshness')}**")
    # what needs attention first: down and stale components, the oldest on top
    fresh = snap.components.assign(ok=snap.components["state"] == "ok").sort_values(
        ["ok", "age_seconds"], ascending=[True, False]
    )
    fresh = pd.DataFrame(
        {
            "site_code": fresh["site_code"],
            "kind": fresh["kind"],
            "component": fresh["component"],
            "state": fresh["state"].map(state_word),
            "last_seen": fresh["last_seen"].map(lambda v: "" if pd.isna(v) else f"{v:%H:%M:%S}"),
            "age": fresh["age_seconds"].map(lambda v: "" if v != v else age(v, lang())),
        }
    )
    tiles.table(_named(fresh, names).rename(columns=_headers()), test_id="freshness-table", max_height=560)


def cameras() -> None:
    """Each camera feed: its state, how old its newest segment is, and why it failed (no URL)."""
    feeds = runtime.cameras()
    if not feeds:
        return
    language = lang()
    st.markdown(f"**{t('cameras')}**")
    rows = pd.DataFrame(
        {
            t("site"): [runtime.names.site(c["site"], language) for c in feeds],
            t("camera"): [runtime.names.component(c["camera"], language) for c in feeds],
            t("camera_view"): [t(f"camera_view_{c['kind']}") for c in feeds],
            t("camera_state"): [t(f"camera_state_{c['state']}") for c in feeds],
            t("segment_age"): [
                "—" if c["segment_age_seconds"] is None else age(c["segment_age_seconds"], language) for c in feeds
            ],  # fmt: skip
            t("camera_restarts"): [c["restarts"] for c in feeds],
            t("camera_why"): [c["why"] for c in feeds],
        }
    )
    tiles.table(rows, test_id="camera-table")


def instances() -> None:
    """Which instance this is, whether it sends, and whether the other answers."""
    duty, language = runtime.duty.status(), lang()
    here = runtime.names.instance(duty["name"] or st.context.headers.get("host", ""), duty["role"], language)
    line = f"{t('instance_this')}：{here} · {t('instance_on_duty' if duty['on_duty'] else 'instance_off_duty')}"
    peer = duty["peer"]
    if peer is None:
        other = t("instance_alone")
    else:
        role = "standby" if duty["role"] == "primary" else "primary"
        who = runtime.names.instance(peer["name"] or peer["url"], role, language)
        state = t({True: "peer_alive", False: "peer_down", None: "peer_unchecked"}[peer["alive"]])
        seen = f" · {t('peer_last_seen')} {peer['last_seen'][11:19]}" if peer["last_seen"] else ""
        other = f"{t('instance_other')}：{who} {state}{seen}"
    tiles.secondary_line(f"{line}　{other}", test_id="instance-line")


def _whole(v: float) -> str:
    return "" if v != v else f"{v:,.0f}"


def _seconds(v: float) -> str:
    return "" if v != v else f"{v:,.1f}"


def _named(df: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Sites, kinds and components by their display names."""
    out = df.assign(site_code=df["site_code"].map(lambda c: names.get(c, c)))
    for col in ("kind", "component"):
        if col in out:
            out[col] = out[col].map(lambda c: runtime.names.component(c, lang()))
    return out


def _headers() -> dict[str, str]:
    return {
        "site_code": t("site"),
        "kind": t("kind"),
        "component": t("component"),
        "total": t("total"),
        "ok": t("ok"),
        "down": t("down"),
        "last_seen": t("last_seen"),
        "age": t("age"),
        "state": t("state"),
    }


system_health()
