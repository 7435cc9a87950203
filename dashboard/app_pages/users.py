"""Accounts and kiosk tokens, for admins: add an account, reset a password,
change a role, disable or enable; create a wall token (its secret shown once)
and revoke one. Every change goes to the audit trail."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.access import accounts, passwords, tokens
from core.access.roles import ROLES, Forbidden
from core.live import CITY
from dashboard import access
from dashboard.components import page, tiles
from dashboard.i18n import lang, t

runtime = page.start("users")
viewer = access.current()
screens = [CITY, *(s.code for s in runtime.config.sites)]
DONE = "users_done"
CREATED = "users_token_created"  # the new token, shown once after the page reloads with it listed


def when(v) -> str:
    return "" if v is None or pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d %H:%M}"


def account_rows(listed: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("account"): listed["name"],
            t("role_column"): [runtime.names.role(r, lang()) for r in listed["role"]],
            t("account_disabled"): [t("yes") if d else t("no") for d in listed["disabled"]],
            t("failed_signins"): listed["failed_signins"],
            t("locked_until"): listed["locked_until"].map(when),
            t("created_at"): listed["created_at"].map(when),
            t("account_changed_at"): listed["changed_at"].map(when),
        }
    )


def token_label(row: pd.Series) -> str:
    """A token as people tell them apart: where its screen hangs, and when it was made."""
    return f"{row['name']} · {when(row['created_at'])}"


def token_rows(listed: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("name"): listed["name"],
            t("token_screens"): listed["screens"].map(lambda scope: runtime.names.screens(scope, lang())),
            t("created_by"): [runtime.names.actor(a, lang()) for a in listed["created_by"]],
            t("created_at"): listed["created_at"].map(when),
            t("revoked_by"): [runtime.names.actor(a, lang()) if a else "" for a in listed["revoked_by"].fillna("")],
            t("revoked_at"): listed["revoked_at"].map(when),
        }
    )


def attempt(change) -> None:
    """Does one change; on success draws the page again, so its tables list the change."""
    try:
        change()
    except Forbidden:
        st.error(t("forbidden_action"))
        return
    except (accounts.AccountError, passwords.WeakPassword, tokens.TokenError) as e:
        st.error(str(e))
        return
    st.session_state[DONE] = True
    st.rerun()


if st.session_state.pop(DONE, False):
    st.success(t("done"))
st.subheader(t("accounts"))
if runtime.config.access.mode == "demo":
    st.info(t("accounts_demo_note"))
with runtime.store.reading() as con:
    listed = accounts.accounts(con)
if len(listed):
    tiles.table(account_rows(listed), test_id="account-table")
else:
    st.caption(t("none_yet"))

with st.form("add_account", clear_on_submit=True):
    st.markdown(f"**{t('account_add')}**")
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(t("account"))
    role = c2.selectbox(t("role"), ROLES, format_func=lambda r: t(f"role_{r}"))
    password = c3.text_input(t("password"), type="password")
    if st.form_submit_button(t("account_add")):
        attempt(lambda: accounts.add(runtime.store, viewer, name.strip(), role, password, access.clock()))

names = list(listed["name"]) if len(listed) else []
if names:
    with st.form("change_account", clear_on_submit=True):
        st.markdown(f"**{t('account_change')}**")
        c1, c2, c3 = st.columns(3)
        who = c1.selectbox(t("account"), names)
        new_role = c2.selectbox(t("role"), [None, *ROLES], format_func=lambda r: t(f"role_{r}") if r else "—")
        new_password = c3.text_input(t("password_new"), type="password")
        b1, b2, b3 = st.columns(3)
        if b1.form_submit_button(t("account_save")):
            now = access.clock()

            def save() -> None:
                if new_role:
                    accounts.set_role(runtime.store, viewer, who, new_role, now)
                if new_password:
                    accounts.set_password(runtime.store, viewer, who, new_password, now)

            attempt(save)
        if b2.form_submit_button(t("account_disable")):
            attempt(lambda: accounts.set_disabled(runtime.store, viewer, who, True, access.clock()))
        if b3.form_submit_button(t("account_enable")):
            attempt(lambda: accounts.set_disabled(runtime.store, viewer, who, False, access.clock()))

st.subheader(t("kiosk_tokens"))
st.caption(t("kiosk_tokens_help"))
with runtime.store.reading() as con:
    listed_tokens = tokens.tokens(con)
made_now = st.session_state.pop(CREATED, None)
if made_now:
    st.warning(t("token_shown_once"))
    st.code(f"/wall?kiosk=1&token={made_now}", language=None)
if len(listed_tokens):
    tiles.table(token_rows(listed_tokens), test_id="token-table")
else:
    st.caption(t("none_yet"))

with st.form("token_create", clear_on_submit=True):
    c1, c2 = st.columns([2, 3])
    where = c1.text_input(t("token_name"))
    scope = c2.multiselect(
        t("token_screens"), ["*", *screens], default=["*"], format_func=lambda c: runtime.names.screen(c, lang())
    )
    if st.form_submit_button(t("token_create")):

        def create() -> None:
            # kept for the next run of the page, which lists the token and shows its secret once
            st.session_state[CREATED] = tokens.create(runtime.store, viewer, where, scope, screens, access.clock())

        attempt(create)

live = [r for r in listed_tokens.itertuples() if r.revoked_at is None or str(r.revoked_at) == "NaT"]
if live:
    with st.form("token_revoke"):
        tid = st.selectbox(
            t("token"),
            [r.id for r in live],
            format_func=lambda i: token_label(listed_tokens.set_index("id").loc[i]),
        )
        if st.form_submit_button(t("token_revoke")):
            attempt(lambda: tokens.revoke(runtime.store, viewer, tid, access.clock()))
