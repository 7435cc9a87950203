"""The audit trail, for admins: sign-ins and failures, acknowledgements,
silences, rule and threshold edits, exports, drills, account and token changes.
Who, when, what, from where; read only."""

from __future__ import annotations

import streamlit as st

from core.access import audit
from dashboard.components import page
from dashboard.i18n import t

runtime = page.start("audit")

ACTIONS = ["", "signin", "signout", "alert.ack", "alert.silence", "alert.rule_edit", "report.export",
           "simulator.fault", "user.manage", "token.manage", "inbox.purge"]  # fmt: skip

st.subheader(t("audit"))
c1, c2, c3 = st.columns(3)
action = c1.selectbox(t("audit_action"), ACTIONS, format_func=lambda a: a or t("any"))
actor = c2.text_input(t("audit_actor"))
target = c3.text_input(t("audit_target"), placeholder="rule:warehouse_occupancy_high")
with runtime.store.reading() as con:
    events = audit.events(con, action=action, actor=actor.strip(), target=target.strip())
st.caption(t("audit_count").format(n=len(events)))
COLUMNS = {"happened_at": "at", "actor": "audit_actor", "role": "role", "action": "audit_action",
           "target": "audit_target_col", "detail": "audit_detail", "source": "audit_source",
           "outcome": "audit_outcome"}  # fmt: skip
st.dataframe(events.rename(columns={k: t(v) for k, v in COLUMNS.items()}), hide_index=True, width="stretch")
