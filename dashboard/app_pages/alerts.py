"""Alerts for ops: what is active now (severity, where, since when, value and
threshold), every transition, and the rules as configured."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from base.config import ConfigError
from core import live
from core.alerts import editor, groups, loop
from core.alerts.engine import message
from core.alerts.rules import prom_duration
from core.names import age
from dashboard import access
from dashboard.components import page, tiles
from dashboard.i18n import lang, t
from queries import read

runtime = page.start("alerts")


ORDER = {"site": 0, "warehouse": 1, "component": 2, "collector": 3}  # the place first, then what in it


def where(labels: str) -> str:
    """The labels as readers call them, the site first: 保税区 卡口2."""
    named = runtime.names.labels(json.loads(labels), lang())
    return " ".join(v for _, v in sorted(named.items(), key=lambda kv: ORDER.get(kv[0], 9)))


def rules_by_name() -> dict:
    return {r.name: r for r in runtime.alerts.config.rules} if runtime.alerts else {}


def rule_title(name: str, rules: dict) -> str:
    """A rule as the page names it: its title, or its code when the rule is gone."""
    return rules[name].title(lang()) if name in rules else name


def limit_text(rule, threshold: float | None) -> str:
    """高于 95%, in words (a cell starting with ">" would read as a quote); "" for a rule whose
    message names no value (a source silent, a device down)."""
    shown = rule.value_text(threshold, lang()) if rule is not None and threshold is not None else ""
    return f"{t('op_above' if rule.op == '>' else 'op_below')} {shown}" if shown else ""


def group_rows(found: list[groups.Group], now) -> pd.DataFrame:
    rules = rules_by_name()
    names = runtime.names
    rows = []
    for g in found:
        rule = rules.get(g.rule)
        first = g.members[0].inst
        threshold = rule.thresholds.get(g.severity) if rule and g.severity else None
        acks = [a.ack for a in g.members if a.ack]
        muted = [a.silence for a in g.members if a.silence]
        rows.append(
            {
                t("alert_severity"): names.severity(g.severity, lang()),
                t("alert_state"): names.state(g.state, lang()),
                t("alert_rule"): rule_title(g.rule, rules),
                t("site"): names.site(g.site, lang()) if g.site else "",
                t("alert_count"): len(g.members),
                t("alert_message"): groups.describe(g, rule, names, lang()),
                t("alert_since"): f"{g.since:%m-%d %H:%M:%S}" if g.since else "",
                t("alert_for"): age((now - g.since).total_seconds(), lang()) if g.since else "",
                t("alert_value"): rule.value_text(first.value, lang()) if rule else "",
                t("alert_threshold"): limit_text(rule, threshold),
                t("alert_ack"): "" if not acks else (f"{acks[0].by} {acks[0].at:%H:%M}: {acks[0].comment}"
                                                     + ("" if g.acked else f" ({len(acks)}/{len(g.members)})")),
                t("alert_silenced"): f"{t('until')} {muted[0].ends_at:%m-%d %H:%M}" if muted else "",
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


@st.fragment(run_every=live.refresh_seconds())
def active() -> None:
    st.subheader(t("alerts_active"))
    if runtime.alerts is None:
        st.info(t("alerts_off"))
        return
    now = runtime.clock()
    found = live.alert_groups(runtime)
    current = [g for g in found if g.state != "recovering"]
    recovering = [g for g in found if g.state == "recovering"]
    if not current:
        st.success(t("no_alerts"))
    else:  # a plain table: a handful of rows, one per rule and site, read and matched by eye
        tiles.table(group_rows(current, now), test_id="alerts-active")
    if recovering:
        st.markdown(f"**{t('alerts_recovering')}**")
        tiles.table(group_rows(recovering, now), test_id="alerts-recovering")
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
    rules, names, language = rules_by_name(), runtime.names, lang()
    shown = pd.DataFrame(
        {
            t("changed_at"): df["changed_at"].dt.strftime("%m-%d %H:%M:%S"),
            t("alert_rule"): [rule_title(r, rules) for r in df["rule"]],
            t("alert_where"): [where(x) for x in df["labels"]],
            t("from_state"): [names.state(x, language) for x in df["from_state"]],
            t("to_state"): [names.state(x, language) for x in df["to_state"]],
            t("alert_severity"): [names.severity(x, language) for x in df["severity"]],
            t("alert_message"): [
                said(rules.get(r), json.loads(x), v, m, to) for r, x, v, m, to in
                zip(df["rule"], df["labels"], df["value"], df["message"], df["to_state"])
            ],
        }
    )  # fmt: skip
    tiles.table(shown, test_id="alert-transitions", max_height=520)


def said(rule, labels: dict, value: float | None, stored: str, state: str) -> str:
    """A transition's message in the reader's language and names; an evaluation
    error or a missing rule keeps the message as it was recorded."""
    if rule is None or state in ("error", "nodata") or value is None or value != value:
        return stored or ""
    return message(rule, labels, value, lang(), runtime.names)


def deliveries() -> None:
    st.subheader(t("alerts_deliveries"))
    if runtime.alerts is None or runtime.alerts.notifier is None:
        st.caption(t("alerts_no_webhook"))
        return
    with runtime.store.reading() as con:
        df = read.alert_deliveries(con, 50)
    if df.empty:
        st.caption(t("alerts_no_deliveries"))
        return
    rules, names, language = rules_by_name(), runtime.names, lang()
    shown = pd.DataFrame(
        {
            t("sent_at"): df["sent_at"].dt.strftime("%m-%d %H:%M:%S"),
            t("alert_rule"): [rule_title(r, rules) for r in df["rule"]],
            t("site"): [names.site(x, language) if x else "" for x in df["site"]],
            t("delivery_kind"): [t(f"delivery_{x}") for x in df["kind"]],
            t("alert_count"): df["instances"],
            t("attempts"): df["attempts"],
            t("outcome"): [t(f"delivery_{x}" if x in ("ok", "standby") else "delivery_failed") for x in df["outcome"]],
            t("detail"): df["detail"].fillna(""),
        }
    )
    tiles.table(shown, test_id="alert-deliveries", max_height=420)


def rules() -> None:
    st.subheader(t("alerts_rules"))
    if runtime.alerts is None:
        return
    names, language = runtime.names, lang()

    def limit(r, severity: str) -> str:
        return limit_text(r, r.thresholds.get(severity))

    # the message template and the rule's code are the editor's business, not words to read here
    tiles.table(
        pd.DataFrame(
            [
                {
                    t("alert_rule"): r.title(language),
                    names.severity("warning", language): limit(r, "warning"),
                    names.severity("critical", language): limit(r, "critical"),
                    t("rule_for"): age(r.for_.total_seconds(), language),
                    t("rule_keep"): age(r.keep_firing_for.total_seconds(), language),
                }
                for r in runtime.alerts.config.rules
            ]
        ),
        test_id="alert-rules",
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
    rules, names, language = rules_by_name(), runtime.names, lang()
    choices = {
        " · ".join(
            x
            for x in (
                rule_title(g.rule, rules),
                names.site(g.site, language) if g.site else "",
                names.state(g.state, language),
                f"×{len(g.members)}" if len(g.members) > 1 else "",
            )
            if x
        ): g
        for g in live.alert_groups(runtime)
        if not g.acked
    }
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
            g = choices[picked]
            now = runtime.clock()

            def ack_all(con, members=tuple(a.inst for a in g.members if a.ack is None)) -> None:
                for inst in members:  # the whole group at once: one fault, one acknowledgement
                    loop.acknowledge(con, inst, who, comment, now)

            if attempt("alert.ack", f"alert:{g.rule} {g.site}".strip(), ack_all,
                       detail=f"{g.state} ×{len(g.members)}: {comment}"):  # fmt: skip
                st.success(t("done"))


def silence_form() -> None:
    st.subheader(t("alert_silences"))
    now = runtime.clock()
    names, language = runtime.names, lang()
    if access.allowed("alert.silence"):
        rules = rules_by_name()
        sites = [s.code for s in runtime.config.sites]
        with st.form("silence", clear_on_submit=True):
            c1, c2 = st.columns(2)
            rule = c1.selectbox(
                t("silence_rule"), [None, *rules], format_func=lambda r: rule_title(r, rules) if r else "—"
            )
            site = c2.selectbox(
                t("silence_site"), [None, *sites], format_func=lambda c: names.site(c, language) if c else "—"
            )
            hours = st.number_input(t("silence_hours"), min_value=0.25, max_value=168.0, value=2.0, step=0.25)
            who = who_field("silence_who")
            comment = st.text_input(t("comment"))
            if st.form_submit_button(t("silence_add")):
                parsed = {k: v for k, v in (("rule", rule), ("site", site)) if v}
                if not parsed:
                    st.error(t("silence_pick_one"))
                elif attempt(
                    "alert.silence",
                    "silence:" + " ".join(f"{k}={v}" for k, v in parsed.items()),
                    lambda con: loop.silence(con, parsed, hours, who, comment, now),
                    detail=f"{hours} h: {comment}",
                ):
                    st.success(t("done"))
    with runtime.store.reading() as con:
        current = loop.silences(con, now)
    for x in current:
        c1, c2 = st.columns([5, 1])
        labels = " ".join(f"{k}={v}" for k, v in x.matchers.items())
        shown = " ".join(matcher_text(k, v) for k, v in x.matchers.items())
        c1.write(f"{shown} · {x.starts_at:%m-%d %H:%M}–{x.ends_at:%m-%d %H:%M} · {x.by}: {x.comment}")
        if c2.button(t("silence_end"), key=f"end-{x.id}", disabled=not access.allowed("alert.silence")):
            if attempt(
                "alert.silence", f"silence:{labels}", lambda con, sid=x.id: loop.end_silence(con, sid, now), "end"
            ):
                st.rerun()


def matcher_text(key: str, value: str) -> str:
    """rule=warehouse_occupancy_high reads as the rule's title; a label by its display name."""
    if key == "rule":
        return rule_title(value, rules_by_name())
    return runtime.names.label(key, value, lang())


def rule_editor() -> None:
    if runtime.alerts is None:
        return
    st.subheader(t("rule_editor"))
    rules = rules_by_name()
    name = st.selectbox(t("alert_rule"), list(rules), key="edit_rule", format_func=lambda r: rule_title(r, rules))
    rule = rules[name]
    with st.form("edit"):
        c1, c2, c3, c4 = st.columns(4)
        op = t("op_above" if rule.op == ">" else "op_below")
        op = f" ({op})" if lang() == "en" else f"（{op}）"
        warning = c1.text_input(t("rule_warning") + op, str(rule.thresholds.get("warning", "")))
        critical = c2.text_input(t("rule_critical") + op, str(rule.thresholds.get("critical", "")))
        for_ = c3.text_input(t("rule_for"), prom_duration(rule.for_))
        keep = c4.text_input(t("rule_keep"), prom_duration(rule.keep_firing_for))
        st.caption(t("rule_ratio_help"))
        message_zh = st.text_input(t("rule_message_zh"), rule.message_zh)
        message_en = st.text_input(t("rule_message_en"), rule.message_en)
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
    tiles.table(preview_rows(rows, new), test_id="rule-preview")
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


def preview_rows(rows: list[dict], rule) -> pd.DataFrame:
    """The preview with every label by its display name, the value as the message writes it."""
    names, language = runtime.names, lang()
    out = []
    for row in rows:
        labels = {k: v for k, v in row.items() if k not in ("value", "breaches")}
        out.append(
            {
                t("alert_where"): " ".join(names.labels(labels, language).values()),
                t("alert_value_now"): rule.value_text(row["value"], lang()),
                t("breaches"): names.severity(row["breaches"] or None, language),
            }
        )
    return pd.DataFrame(out)


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
        rules = rules_by_name()
        tiles.table(
            pd.DataFrame(
                {
                    t("changed_at"): df["changed_at"].map(lambda v: f"{v:%m-%d %H:%M:%S}"),
                    t("changed_by"): df["changed_by"],
                    t("alert_rule"): [rule_title(r, rules) for r in df["rule"]],
                    t("rule_fields"): [
                        change_text(json.loads(a), json.loads(b), rules.get(r))
                        for a, b, r in zip(df["old"], df["new"], df["rule"])
                    ],
                }
            ),
            test_id="rule-changes",
        )


FIELD = {"warning": "rule_warning", "critical": "rule_critical", "for": "rule_for", "keep_firing_for": "rule_keep",
         "message_zh": "rule_message_zh", "message_en": "rule_message_en"}  # fmt: skip


def change_text(old: dict, new: dict, rule=None) -> str:
    """What an edit changed, field by field in words: 警告阈值 90% → 95%."""

    def shown(k: str, v) -> str:
        if v is None:
            return "—"
        return rule.value_text(v, lang()) if rule is not None and k in ("warning", "critical") else str(v)

    keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    return "；".join(
        f"{t(FIELD.get(k, k)) if k in FIELD else k} {shown(k, old.get(k))} → {shown(k, new.get(k))}" for k in keys
    )


active()
acknowledge_form()
silence_form()
history()
deliveries()
rules()
rule_editor()
rule_changes()
