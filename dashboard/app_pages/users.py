"""Accounts and kiosk tokens, for admins: add an account, reset a password,
change a role, disable or enable; create a wall token (its secret shown once)
and revoke one. Every change goes to the audit trail."""

from __future__ import annotations

import streamlit as st

from core.access import accounts, passwords, tokens
from core.access.roles import ROLES, Forbidden
from core.live import CITY
from dashboard import access
from dashboard.components import page
from dashboard.i18n import t

runtime = page.start("users")
viewer = access.current()
screens = [CITY, *(s.code for s in runtime.config.sites)]


def attempt(change) -> bool:
    try:
        change()
    except Forbidden:
        st.error(t("forbidden_action"))
        return False
    except (accounts.AccountError, passwords.WeakPassword, tokens.TokenError) as e:
        st.error(str(e))
        return False
    st.success(t("done"))
    return True


st.subheader(t("accounts"))
if runtime.config.access.mode == "demo":
    st.info(t("accounts_demo_note"))
with runtime.store.reading() as con:
    listed = accounts.accounts(con)
st.dataframe(listed, hide_index=True, width="stretch")

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
            if new_role:
                attempt(lambda: accounts.set_role(runtime.store, viewer, who, new_role, now))
            if new_password:
                attempt(lambda: accounts.set_password(runtime.store, viewer, who, new_password, now))
        if b2.form_submit_button(t("account_disable")):
            attempt(lambda: accounts.set_disabled(runtime.store, viewer, who, True, access.clock()))
        if b3.form_submit_button(t("account_enable")):
            attempt(lambda: accounts.set_disabled(runtime.store, viewer, who, False, access.clock()))

st.subheader(t("kiosk_tokens"))
st.caption(t("kiosk_tokens_help"))
with runtime.store.reading() as con:
    listed_tokens = tokens.tokens(con)
st.dataframe(listed_tokens, hide_index=True, width="stretch")

with st.form("token_create", clear_on_submit=True):
    c1, c2 = st.columns([2, 3])
    where = c1.text_input(t("token_name"))
    scope = c2.multiselect(t("token_screens"), ["*", *screens], default=["*"])
    if st.form_submit_button(t("token_create")):
        made: list[str] = []
        if attempt(
            lambda: made.append(tokens.create(runtime.store, viewer, where, scope, screens, access.clock()))
        ):  # fmt: skip
            st.warning(t("token_shown_once"))
            st.code(f"/wall?kiosk=1&token={made[0]}", language=None)

live = [r for r in listed_tokens.itertuples() if r.revoked_at is None or str(r.revoked_at) == "NaT"]
if live:
    with st.form("token_revoke"):
        tid = st.selectbox(
            t("token"),
            [r.id for r in live],
            format_func=lambda i: f"{i} · {listed_tokens.set_index('id').loc[i, 'name']}",
        )
        if st.form_submit_button(t("token_revoke")):
            if attempt(lambda: tokens.revoke(runtime.store, viewer, tid, access.clock())):
                st.rerun()
