"""The audit trail, for admins: sign-ins and failures, acknowledgements,
silences, rule and threshold edits, exports, drills, account and token changes.
Who, when, what, from where; read only."""

from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from core.access import audit, tokens
from core.names import plain_address
from core.text import TEXT
from dashboard.components import page, tiles
from dashboard.i18n import lang, t

runtime = page.start("audit")

ACTIONS = ["", "signin", "signout", "session.role", "alert.ack", "alert.silence", "alert.rule_edit", "report.export",
           "simulator.fault", "user.manage", "token.manage", "inbox.purge"]  # fmt: skip


def action_name(code: str) -> str:
    return t(f"audit_{code}") if f"audit_{code}" in TEXT else code


WHY = {"no such account": "no_such_account", "account disabled": "account_disabled", "wrong password": "wrong_password",
       "idle": "idle", "signed out": "signed_out", "oidc": "oidc",
       "account disabled, removed or its password changed": "account_changed", "revoke": "revoke",
       "password": "password", "disable": "disable", "enable": "enable"}  # fmt: skip
HELD = re.compile(r"^held back from (?P<source>\S+) until (?P<until>\d\d:\d\d)$")
TOKEN = re.compile(r"^create (?P<name>'.*'|\".*\") screens=(?P<screens>\S+)$")
ROLE = re.compile(r"^(?P<add>add )?role=(?P<role>\w+)$")


def detail_text(detail: str | None) -> str:
    """The fixed reasons of sign-ins and sign-outs in words; other details as recorded."""
    detail = detail or ""
    if detail in WHY:
        return t(f"audit_why_{WHY[detail]}")
    held = HELD.match(detail)
    if held:
        return t("audit_why_held").format(source=plain_address(held["source"]), until=held["until"])
    switches = fault_switches(detail)
    if switches:
        return switches
    token = TOKEN.match(detail)
    if token:
        screens = "、".join(runtime.names.screen(c, lang()) for c in token["screens"].split(","))
        return t("audit_why_token_create").format(name=token["name"][1:-1], screens=screens)
    role = ROLE.match(detail)
    if role:
        key = "audit_why_account_add" if role["add"] else "audit_why_role"
        return t(key).format(role=runtime.names.role(role["role"], lang()))
    return detail


SWITCH = {"equipment_down": "equipment_down_switch"}  # a switch whose own key names a state


def fault_switches(detail: str) -> str:
    """A drill's switches, {"equipment_down": "bsq/gate-2"}, in words: 设备离线：保税区 卡口2."""
    try:
        changed = json.loads(detail)
    except ValueError:
        return ""
    if not isinstance(changed, dict) or not changed or not all(SWITCH.get(k, k) in TEXT for k in changed):
        return ""
    names, language = runtime.names, lang()

    def value(v) -> str:
        if isinstance(v, bool):
            return t("switch_on" if v else "switch_off")
        if not v:
            return t("switch_off")
        site, _, part = str(v).partition("/")
        if part:
            return f"{names.site(site, language)} {names.component(part, language)}"
        shown = names.site(site, language)
        return names.warehouse(site, language) if shown == site else shown

    return "；".join(f"{t(SWITCH.get(k, k))}：{value(v)}" for k, v in changed.items())


def target_name(target: str) -> str:
    """user:admin reads 账号 admin; rule:… the rule's title; collector:… the source's name."""
    kind, sep, value = target.partition(":")
    if not sep or f"audit_target_{kind}" not in TEXT:
        return target
    if kind == "rule" and runtime.alerts is not None:
        value = next((r.title(lang()) for r in runtime.alerts.config.rules if r.name == value), value)
    elif kind == "collector":
        value = runtime.names.collector(value, lang())
    elif kind == "token":
        value = TOKENS.get(value, value)
    return f"{t(f'audit_target_{kind}')} {value}"


st.subheader(t("audit"))
c1, c2, c3 = st.columns(3)
action = c1.selectbox(t("audit_action"), ACTIONS, format_func=lambda a: action_name(a) if a else t("any"))
actor = c2.text_input(t("audit_actor"))
target = c3.text_input(t("audit_target"))
with runtime.store.reading() as con:
    # a token by where its screen hangs; its number means nothing to a reader
    TOKENS = {r.id: r.name for r in tokens.tokens(con).itertuples()}
    events = audit.events(con, action=action, actor=actor.strip(), target=target.strip())
st.caption(t("audit_count").format(n=len(events)))
tiles.table(
    pd.DataFrame(
        {
            t("at"): events["happened_at"].map(lambda v: f"{v:%m-%d %H:%M:%S}"),
            t("audit_actor"): [runtime.names.actor(a, lang()) for a in events["actor"]],
            t("role"): [runtime.names.role(r, lang()) for r in events["role"]],
            t("audit_action"): events["action"].map(action_name),
            t("audit_target_col"): events["target"].map(target_name),
            t("audit_detail"): events["detail"].map(detail_text),
            t("audit_source"): events["source"].map(plain_address),
            t("audit_outcome"): events["outcome"].map(lambda o: t(f"audit_{o}") if f"audit_{o}" in TEXT else o),
        }
    ),
    test_id="audit-table",
    max_height=720,
)
