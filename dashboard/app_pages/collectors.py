"""Collectors and sources for ops: each collector's state, lag and last error,
the latest runs, and the simulator's fault switches for drills."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import streamlit as st

from collectors.simulator.samples import EQUIPMENT
from collectors.simulator.source import SimulatorSource
from core import live
from dashboard import access
from dashboard.components import page
from dashboard.i18n import t
from queries import read

runtime = page.start("collectors")

STATE_MARK = {"ok": "●", "quiet": "◐", "starting": "○", "stale": "▲", "error": "✖"}


@st.fragment(run_every=live.refresh_seconds())
def health() -> None:
    snap = runtime.health()
    st.subheader(t("collectors"))
    rows = [
        {
            t("collector"): name,
            t("state"): f"{STATE_MARK.get(h['state'], '')} {h['state']}",
            t("last_success"): h["last_success"],
            t("lag"): h["lag_seconds"],
            t("records"): h["rows"],
            t("last_error"): h["last_error"] or "",
        }
        for name, h in snap["collectors"].items()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.markdown(f"**{t('recent_runs')}**")
    with runtime.store.reading() as con:
        runs = read.collector_runs(con, 30)
    runs["error"] = runs["error"].fillna("")
    st.dataframe(
        runs.rename(columns={"collector": t("collector"), "records": t("records"), "error": t("last_error")}),
        hide_index=True,
        width="stretch",
    )


@st.fragment(run_every=live.refresh_seconds() * 5)
def quarantine() -> None:
    st.subheader(t("quarantine"))
    with runtime.store.reading() as con:
        since = runtime.clock() - timedelta(days=1)
        by_reason = read.quarantine_by_reason(con, since)
        recent = read.quarantine_recent(con, 50)
    if recent.empty:
        st.caption(t("quarantine_none"))
        return
    st.markdown(f"**{t('quarantine_24h')}**")
    st.dataframe(by_reason, hide_index=True, width="stretch")
    st.markdown(f"**{t('quarantine_recent')}**")
    st.dataframe(recent, hide_index=True, width="stretch")


@st.fragment(run_every=live.refresh_seconds() * 10)
def digests() -> None:
    st.subheader(t("digest_runs"))
    jobs = runtime.config.digest.jobs
    st.caption(
        t("digest_help").format(
            jobs=", ".join(f"{j.name} {j.at:%H:%M}" for j in jobs) or "—",
            folder=runtime.config.digest.folder,
            webhook=runtime.config.digest.webhook_kind if runtime.config.digest.webhook_url else t("digest_no_webhook"),
        )
    )
    with runtime.store.reading() as con:
        runs = read.digest_runs(con, 30)
    if runs.empty:
        st.caption(t("digest_none"))
        return
    st.dataframe(runs, hide_index=True, width="stretch")


health()
quarantine()
digests()


def fault_switches(name: str, sim: SimulatorSource) -> None:
    f = sim.faults
    locked = not access.allowed("simulator.fault")
    cols = st.columns(3)
    toggles = ["source_stopped", "link_saturated", "review_backlog", "receipts_held", "error_receipts"]
    if sim.xml_inbox is not None:  # broken files only exist where the simulator writes files
        toggles.append("bad_messages")
    wanted = {
        switch: cols[i % 3].toggle(t(switch), getattr(f, switch), key=f"{name}-{switch}", disabled=locked)
        for i, switch in enumerate(toggles)
    }
    places = [None] + [s.code for s in sim.config.sites] + [w.code for w in sim.config.warehouses]
    equipment = [None] + [
        f"{site}/{kind}-{k}" for site, kinds in EQUIPMENT.items() for kind, n in kinds for k in range(1, n + 1)
    ]
    c1, c2 = st.columns(2)
    wanted["warehouse_full"] = c1.selectbox(
        t("warehouse_full"), places, places.index(f.warehouse_full), format_func=lambda v: v or "—",
        key=f"{name}-full", disabled=locked,
    )  # fmt: skip
    wanted["equipment_down"] = c2.selectbox(
        t("equipment_down_switch"), equipment,
        equipment.index(f.equipment_down) if f.equipment_down in equipment else 0,
        format_func=lambda v: v or "—", key=f"{name}-equipment", disabled=locked,
    )  # fmt: skip
    changed = {k: v for k, v in wanted.items() if getattr(f, k) != v}
    if not changed:
        return
    try:
        detail = json.dumps(changed, sort_keys=True)
        access.act(runtime, "simulator.fault", f"collector:{name}", lambda con: None, detail=detail)
    except access.Forbidden:
        st.error(t("forbidden_action"))
        return
    for k, v in changed.items():
        setattr(f, k, v)


sims = {n: s for n, s in runtime.runner.sources().items() if isinstance(s, SimulatorSource)}
if sims:
    st.subheader(t("fault_switches"))
    st.caption(t("fault_help"))
    for name, sim in sims.items():
        fault_switches(name, sim)
