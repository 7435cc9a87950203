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
from core.text import TEXT
from dashboard import access
from dashboard.components import page, tiles
from dashboard.i18n import lang, t
from queries import read

runtime = page.start("collectors")

STATE_MARK = {"ok": "●", "quiet": "◐", "starting": "○", "stale": "▲", "error": "✖"}


def when(v) -> str:
    return "" if v is None or pd.isna(v) else f"{pd.Timestamp(v):%m-%d %H:%M:%S}"


@st.fragment(run_every=live.refresh_seconds())
def health() -> None:
    snap = runtime.health()
    names, language = runtime.names, lang()
    st.subheader(t("collectors"))
    rows = [
        {
            t("collector"): names.collector(name, language),
            t("state"): f"{STATE_MARK.get(h['state'], '')} {names.collector_state(h['state'], language)}",
            t("last_success"): when(h["last_success"]),
            t("lag"): "" if h["lag_seconds"] is None else f"{h['lag_seconds']:,.0f}",
            t("records"): f"{h['rows']:,}",
            t("last_error"): h["last_error"] or "",
        }
        for name, h in snap["collectors"].items()
    ]
    tiles.table(pd.DataFrame(rows), test_id="collector-table")
    st.markdown(f"**{t('recent_runs')}**")
    with runtime.store.reading() as con:
        runs = read.collector_runs(con, 30)
    tiles.table(
        pd.DataFrame(
            {
                t("collector"): [names.collector(x, language) for x in runs["collector"]],
                t("run_started"): runs["started_at"].map(when),
                t("run_finished"): runs["finished_at"].map(when),
                t("run_outcome"): runs["outcome"].map(outcome),
                t("records"): runs["records"],
                t("last_error"): runs["error"].fillna(""),
            }
        ),
        test_id="runs-table",
        max_height=420,
    )


def outcome(code: str) -> str:
    return t(f"run_{code}") if f"run_{code}" in TEXT else code


def reason(code: str) -> str:
    """A quarantine reason by its code's name; the detail after the code stays as recorded."""
    head, sep, rest = code.partition(":")
    key = f"q_reason_{head.strip()}"
    return (t(key) if key in TEXT else head) + (f"：{rest.strip()}" if sep and rest.strip() else "")


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
    tiles.table(
        pd.DataFrame(
            {
                t("q_reason"): by_reason["reason"].map(reason),
                t("q_files"): by_reason["files"],
                t("q_records_refused"): by_reason["records_refused"],
            }
        ),
        test_id="quarantine-reasons",
    )
    st.markdown(f"**{t('quarantine_recent')}**")
    tiles.table(
        pd.DataFrame(
            {
                t("q_at"): recent["quarantined_at"].map(when),
                t("q_source"): [runtime.names.collector(x, lang()) for x in recent["source"]],
                t("q_file"): recent["file_name"],
                t("q_reason"): recent["reason"].map(reason),
                t("q_line"): recent["line"].map(lambda v: "" if pd.isna(v) else f"{int(v)}"),
                t("q_records_kept"): recent["records_kept"],
                t("q_records_refused"): recent["records_refused"],
            }
        ),
        test_id="quarantine-files",
        max_height=480,
    )


def job_text(at, report: str) -> str:
    """A digest job by what it does: 08:00 昨日; its config name is an identifier, not a word."""
    kind = {"yesterday": "report_yesterday", "today": "report_today"}.get(report)
    return f"{at:%H:%M} {t(kind) if kind else report}"


@st.fragment(run_every=live.refresh_seconds() * 10)
def digests() -> None:
    st.subheader(t("digest_runs"))
    jobs = runtime.config.digest.jobs
    st.caption(
        t("digest_help").format(
            jobs="、".join(job_text(j.at, j.report) for j in jobs) or "—",
            folder=runtime.config.digest.folder,
            webhook=t(f"webhook_{runtime.config.digest.webhook_kind}")
            if runtime.config.digest.webhook_url
            else t("digest_no_webhook"),
        )
    )
    with runtime.store.reading() as con:
        runs = read.digest_runs(con, 30)
    if runs.empty:
        st.caption(t("digest_none"))
        return
    by_name = {j.name: job_text(j.at, j.report) for j in jobs}
    tiles.table(
        pd.DataFrame(
            {
                t("digest_job"): runs["job"].map(lambda j: by_name.get(j, j)),
                t("digest_for_date"): runs["for_date"].astype(str),
                t("digest_due"): runs["due_at"].map(when),
                t("digest_ran"): runs["ran_at"].map(when),
                t("run_outcome"): runs["outcome"].map(outcome),
                t("digest_files"): runs["files"].astype(str),
                t("attempts"): runs["attempts"],
                t("detail"): runs["detail"].fillna(""),
            }
        ),
        test_id="digest-table",
    )


health()
quarantine()
digests()


def place_name(code: str | None) -> str:
    """A site or a warehouse by its display name."""
    if not code:
        return "—"
    names = runtime.names
    shown = names.site(code, lang())
    return names.warehouse(code, lang()) if shown == code else shown


def equipment_name(code: str | None) -> str:
    """bsq/gate-2 reads 保税区 卡口2."""
    if not code:
        return "—"
    site, _, component = code.partition("/")
    return f"{runtime.names.site(site, lang())} {runtime.names.component(component, lang())}"


def fault_switches(name: str, sim: SimulatorSource) -> None:
    f = sim.faults
    locked = not access.allowed("simulator.fault")
    cols = st.columns(3)
    toggles = ["source_stopped", "link_saturated", "review_backlog", "receipts_held", "error_receipts"]
    if sim.writes_xml:  # broken messages only exist where the simulator writes messages
        toggles.append("bad_messages")
    wanted = {
        switch: cols[i % 3].toggle(t(switch), getattr(f, switch), key=f"{name}-{switch}", disabled=locked)
        for i, switch in enumerate(toggles)
    }
    places = [None] + [s.code for s in sim.config.sites] + [w.code for w in sim.config.warehouses]
    fed = {f"{c.site}/{c.name}" for c in sim.config.video.cameras}  # a camera with a feed is not simulated
    equipment = [None] + [
        f"{site}/{kind}-{k}" for site, kinds in EQUIPMENT.items() for kind, n in kinds for k in range(1, n + 1)
        if f"{site}/{kind}-{k}" not in fed
    ]  # fmt: skip
    c1, c2 = st.columns(2)
    wanted["warehouse_full"] = c1.selectbox(
        t("warehouse_full"), places, places.index(f.warehouse_full), format_func=place_name,
        key=f"{name}-full", disabled=locked,
    )  # fmt: skip
    wanted["equipment_down"] = c2.selectbox(
        t("equipment_down_switch"), equipment,
        equipment.index(f.equipment_down) if f.equipment_down in equipment else 0,
        format_func=equipment_name, key=f"{name}-equipment", disabled=locked,
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
