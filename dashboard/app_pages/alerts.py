"""Alerts for ops: what is active now (severity, where, since when, value and
threshold), every transition, and the rules as configured."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from base.config import ConfigError
from core import live
from core.alerts import editor, loop
from core.alerts.rules import prom_duration
from core.live import alert_text
from dashboard import access
from dashboard.components import page
from dashboard.i18n import lang, t
from queries import read

runtime = page.start("alerts")
SEVERITY = {"critical": ("严重", "critical"), "warning": ("警告", "warning")}


def where(labels: str) -> str:
    return " ".join(f"{k}={v}" for k, v in json.loads(labels).items())


@st.fragment(run_every=live.refresh_seconds())
def active() -> None:
    st.subheader(t("alerts_active"))
    if runtime.alerts is None:
        st.info(t("alerts_off"))
        return
    rules = {r.name: r for r in runtime.alerts.config.rules}
    now = runtime.clock()
    with runtime.store.reading() as con:
        annotated = loop.annotate(con, runtime.alerts.active(), now)
    rows = []
    for a in annotated:
        inst, ack, muted = a.inst, a.ack, a.silence
        rule = rules.get(inst.rule)
        threshold = rule.thresholds.get(inst.severity) if rule and inst.severity else None
        rows.append(
            {
                t("alert_severity"): SEVERITY.get(inst.severity, ("", ""))[lang() == "en"],
                t("alert_state"): inst.state,
                t("alert_rule"): inst.rule,
                t("alert_where"): where(inst.labels),
                t("alert_since"): inst.since.strftime("%m-%d %H:%M:%S") if inst.since else "",
                t("alert_for"): f"{(now - inst.since).total_seconds() / 60:.0f} min" if inst.since else "",
                t("alert_value"): "" if inst.value is None else f"{inst.value:.4g}",
                # in words: a cell starting with ">" would read as a quote
                t("alert_threshold"): f"{t('op_above' if rule.op == '>' else 'op_below')} {threshold:g}"
                if threshold is not None
                else "",
                t("alert_message"): alert_text(runtime.config, rule, inst, lang()),
                t("alert_ack"): f"{ack.by} {ack.at:%H:%M}: {ack.comment}" if ack else "",
                t("alert_silenced"): f"{t('until')} {muted.ends_at:%m-%d %H:%M}" if muted else "",
            }
        )
    if not rows:
        st.success(t("no_alerts"))
    else:  # a plain table: a handful of rows, read and matched by eye
        st.table(pd.DataFrame(rows).set_index(t("alert_severity")))
    if runtime.alerts.last_evaluated:
        st.caption(f"{t('alerts_evaluated')} {runtime.alerts.last_evaluated:%H:%M:%S}")


@st.fragment(run_every=live.refresh_seconds() * 5)
def history() -> None:
    st.subheader(t("alerts_history"))
    with runtime.store.reading() as con:
        df = read.alert_transitions(con, 200)
    if df.empty:
        st.caption(t("alerts_no_history"))
        return
    df["labels"] = df["labels"].map(where)
    st.dataframe(df, hide_index=True, width="stretch")


def deliveries() -> None:
    st.subheader(t("alerts_deliveries"))
    if runtime.alerts is None or runtime.alerts.notifier is None:
        st.caption(t("alerts_no_webhook"))
        return
    with runtime.store.reading() as con:
        df = read.alert_deliveries(con, 50)
    if df.empty:
        st.caption(t("alerts_no_deliveries"))
    else:
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


def who_field(key: str) -> str:
    """Who acts: the signed-in account; in the open demo, a name typed in."""
    viewer = access.current()
    if viewer.via == "demo":
        return st.text_input(t("who"), key=key)
    st.caption(f"{t('who')}: {viewer.name}")
    return viewer.name


def attempt(action: str, target: str, change, detail: str = "") -> bool:
    """Does one ops action; says plainly when it is refused or invalid."""
    try:
        access.act(runtime, action, target, change, detail)
    except access.Forbidden:
        st.error(t("forbidden_action"))
        return False
    except (loop.LoopError, ValueError) as e:
        st.error(str(e))
        return False
    return True


@st.fragment(run_every=live.refresh_seconds() * 5)
def acknowledge_form() -> None:
    if runtime.alerts is None:
        return
    st.subheader(t("alert_acknowledge"))
    choices = {f"{i.rule} · {where(i.labels)} · {i.state}": i for i in runtime.alerts.active()}
    if not choices:
        st.caption(t("no_alerts"))
        return
    if not access.allowed("alert.ack"):
        st.caption(t("forbidden_action"))
        return
    with st.form("ack", clear_on_submit=True):
        picked = st.selectbox(t("alert_rule"), list(choices))
        who = who_field("ack_who")
        comment = st.text_input(t("comment"))
        if st.form_submit_button(t("alert_acknowledge")):
            inst = choices[picked]
            now = runtime.clock()
            if attempt(
                "alert.ack",
                f"alert:{inst.rule} {where(inst.labels)}",
                lambda con: loop.acknowledge(con, inst, who, comment, now),
                detail=f"{inst.state}: {comment}",
            ):
                st.success(t("done"))


def silence_form() -> None:
    st.subheader(t("alert_silences"))
    now = runtime.clock()
    if access.allowed("alert.silence"):
        with st.form("silence", clear_on_submit=True):
            matchers = st.text_input(t("silence_matchers"), placeholder="rule=warehouse_occupancy_high site=bsq")
            hours = st.number_input(t("silence_hours"), min_value=0.25, max_value=168.0, value=2.0, step=0.25)
            who = who_field("silence_who")
            comment = st.text_input(t("comment"))
            if st.form_submit_button(t("silence_add")):
                try:
                    parsed = loop.parse_matchers(matchers)
                except loop.LoopError as e:
                    st.error(str(e))
                    parsed = None
                if parsed and attempt(
                    "alert.silence",
                    f"silence:{matchers.strip()}",
                    lambda con: loop.silence(con, parsed, hours, who, comment, now),
                    detail=f"{hours} h: {comment}",
                ):
                    st.success(t("done"))
    with runtime.store.reading() as con:
        current = loop.silences(con, now)
    for x in current:
        c1, c2 = st.columns([5, 1])
        labels = " ".join(f"{k}={v}" for k, v in x.matchers.items())
        c1.write(f"{labels} · {x.starts_at:%m-%d %H:%M}–{x.ends_at:%m-%d %H:%M} · {x.by}: {x.comment}")
        if c2.button(t("silence_end"), key=f"end-{x.id}", disabled=not access.allowed("alert.silence")):
            if attempt(
                "alert.silence", f"silence:{labels}", lambda con, sid=x.id: loop.end_silence(con, sid, now), "end"
            ):
                st.rerun()


def rule_editor() -> None:
    if runtime.alerts is None:
        return
    st.subheader(t("rule_editor"))
    rules_by_name = {r.name: r for r in runtime.alerts.config.rules}
    name = st.selectbox(t("alert_rule"), list(rules_by_name), key="edit_rule")
    rule = rules_by_name[name]
    with st.form("edit"):
        c1, c2, c3, c4 = st.columns(4)
        warning = c1.text_input(f"warning ({rule.op})", str(rule.thresholds.get("warning", "")))
        critical = c2.text_input(f"critical ({rule.op})", str(rule.thresholds.get("critical", "")))
        for_ = c3.text_input("for", prom_duration(rule.for_))
        keep = c4.text_input("keep_firing_for", prom_duration(rule.keep_firing_for))
        message_zh = st.text_input("message_zh", rule.message_zh)
        message_en = st.text_input("message_en", rule.message_en)
        who = who_field("edit_who")
        b1, b2 = st.columns(2)
        show = b1.form_submit_button(t("rule_preview"))
        store_it = b2.form_submit_button(t("rule_save"), type="primary", disabled=not access.allowed("alert.rule_edit"))
    if not (show or store_it):
        return
    changes = {"warning": warning, "critical": critical, "for": for_, "keep_firing_for": keep,
               "message_zh": message_zh, "message_en": message_en}  # fmt: skip
    try:
        new = editor.candidate(rule, {k: _number(v) if k in ("warning", "critical") else v for k, v in changes.items()})
    except ConfigError as e:
        st.error(str(e))
        return
    with runtime.store.reading() as con:
        rows = editor.preview(con, new, runtime.clock(), runtime.health()["collectors"])
    st.caption(t("rule_would_fire"))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if store_it:
        now = runtime.clock()
        if not attempt(
            "alert.rule_edit",
            f"rule:{rule.name}",
            lambda con: editor.save(con, rule, new, who, now),
            detail=json.dumps(editor.difference(rule, new), ensure_ascii=False, sort_keys=True),
        ):
            return
        runtime.alerts.replace_rule(new)
        st.success(t("done"))


def _number(text: str) -> float | str | None:
    """A threshold as typed: empty removes it, anything else must read as a number."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # parse_rule says it is not a number


def rule_changes() -> None:
    if runtime.alerts is None:
        return
    with runtime.store.reading() as con:
        df = read.alert_rule_changes(con, 50)
    if not df.empty:
        st.markdown(f"**{t('rule_changes')}**")
        st.dataframe(df, hide_index=True, width="stretch")


active()
acknowledge_form()
silence_form()
history()
deliveries()
rules()
rule_editor()
rule_changes()
