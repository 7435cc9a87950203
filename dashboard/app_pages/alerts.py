"""Alerts for ops: what is active now (severity, where, since when, value and
threshold), every transition, and the rules as configured."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.components import page
from dashboard.i18n import lang, t
from queries import read

runtime = page.start()
SEVERITY_MARK = {"critical": "🔴", "warning": "🟠", None: "⚪"}


def where(labels: str) -> str:
    return " ".join(f"{k}={v}" for k, v in json.loads(labels).items())


@st.fragment(run_every=data.refresh_seconds())
def active() -> None:
    st.subheader(t("alerts_active"))
    if runtime.alerts is None:
        st.info(t("alerts_off"))
        return
    rules = {r.name: r for r in runtime.alerts.config.rules}
    now = runtime.clock()
    rows = []
    for inst in runtime.alerts.active():
        rule = rules.get(inst.rule)
        threshold = rule.thresholds.get(inst.severity) if rule and inst.severity else None
        rows.append(
            {
                t("alert_severity"): f"{SEVERITY_MARK.get(inst.severity, '')} {inst.severity or ''}",
                t("alert_state"): inst.state,
                t("alert_rule"): inst.rule,
                t("alert_where"): where(inst.labels),
                t("alert_since"): inst.since.strftime("%m-%d %H:%M:%S") if inst.since else "",
                t("alert_for"): f"{(now - inst.since).total_seconds() / 60:.0f} min" if inst.since else "",
                t("alert_value"): inst.value,
                t("alert_threshold"): f"{rule.op} {threshold}" if threshold is not None else "",
                t("alert_message"): inst.message,
            }
        )
    if not rows:
        st.success(t("no_alerts"))
    else:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if runtime.alerts.last_evaluated:
        st.caption(f"{t('alerts_evaluated')} {runtime.alerts.last_evaluated:%H:%M:%S}")


@st.fragment(run_every=data.refresh_seconds() * 5)
def history() -> None:
    st.subheader(t("alerts_history"))
    with runtime.store.reading() as con:
        df = read.alert_transitions(con, 200)
    if df.empty:
        st.caption(t("alerts_no_history"))
        return
    df["labels"] = df["labels"].map(where)
    st.dataframe(df, hide_index=True, width="stretch")


def rules() -> None:
    st.subheader(t("alerts_rules"))
    if runtime.alerts is None:
        return
    en = lang() == "en"
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "name": r.name,
                    "signal": r.signal,
                    "warning": f"{r.op} {r.thresholds['warning']}" if "warning" in r.thresholds else "",
                    "critical": f"{r.op} {r.thresholds['critical']}" if "critical" in r.thresholds else "",
                    "for": str(r.for_),
                    "keep_firing_for": str(r.keep_firing_for),
                    "message": r.message_en if en else r.message_zh,
                }
                for r in runtime.alerts.config.rules
            ]
        ),
        hide_index=True,
        width="stretch",
    )


active()
history()
rules()
