"""The audit trail, for admins: sign-ins and failures, acknowledgements,
silences, rule and threshold edits, exports, drills, account and token changes.
Who, when, what, from where; read only."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from core.access import audit
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
    token = TOKEN.match(detail)
    if token:
        screens = "、".join(runtime.names.screen(c, lang()) for c in token["screens"].split(","))
        return t("audit_why_token_create").format(name=token["name"][1:-1], screens=screens)
    role = ROLE.match(detail)
    if role:
        key = "audit_why_account_add" if role["add"] else "audit_why_role"
        return t(key).format(role=runtime.names.role(role["role"], lang()))
    return detail


def target_name(target: str) -> str:
    """user:admin reads 账号 admin; rule:… the rule's title; collector:… the source's name."""
    kind, sep, value = target.partition(":")
    if not sep or f"audit_target_{kind}" not in TEXT:
        return target
    if kind == "rule" and runtime.alerts is not None:
        value = next((r.title(lang()) for r in runtime.alerts.config.rules if r.name == value), value)
    elif kind == "collector":
        value = runtime.names.collector(value, lang())
    return f"{t(f'audit_target_{kind}')} {value}"


st.subheader(t("audit"))
c1, c2, c3 = st.columns(3)
action = c1.selectbox(t("audit_action"), ACTIONS, format_func=lambda a: action_name(a) if a else t("any"))
actor = c2.text_input(t("audit_actor"))
target = c3.text_input(t("audit_target"))
with runtime.store.reading() as con:
    events = audit.events(con, action=action, actor=actor.strip(), target=target.strip())
st.caption(t("audit_count").format(n=len(events)))
tiles.table(
    pd.DataFrame(
        {
            t("at"): events["happened_at"].map(lambda v: f"{v:%m-%d %H:%M:%S}"),
            t("audit_actor"): events["actor"],
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
