"""Alert notifications to a group robot or webhook, one per rule and site:
when the first of its alerts starts firing, again every `repeat_interval`
while any fires (unless all are acknowledged), and when the last is resolved.
Silenced alerts send nothing. Every delivery is recorded, failures included.
A standby that is not on duty (core/duty.py) records what it would have sent as
"standby" and keeps the same timing, so that taking over repeats nothing the
primary just sent."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

import duckdb

from core.alerts import loop
from core.alerts.engine import Instance
from core.alerts.rules import NotifyConfig, Rule
from core.names import Names
from core.webhook import Webhook
from queries.loader import sql

log = logging.getLogger("cbec.alerts")
TITLES = {"firing": "告警", "repeat": "告警（仍在持续）", "resolved": "告警恢复"}


def group_of(inst: Instance) -> tuple[str, str]:
    return inst.rule, json.loads(inst.labels).get("site", "")


class Notifier:
    def __init__(
        self,
        config: NotifyConfig,
        webhook: Webhook,
        con: duckdb.DuckDBPyConnection,
        names: Names | None = None,
        rules: dict[str, Rule] | None = None,  # the evaluator's, edits included: titles
        on_duty: Callable[[], bool] = lambda: True,
    ):
        self.config, self.webhook, self.names, self.rules = config, webhook, names, rules
        self.on_duty = on_duty
        self.last_sent = {(rule, site): at for rule, site, at in con.execute(sql("read_alert_last_sent")).fetchall()}

    def process(
        self,
        con: duckdb.DuckDBPyConnection,
        changes: list[tuple[Instance, Instance]],
        active: list[Instance],
        now: datetime,
    ) -> list[dict]:
        """Sends what these transitions and the firing alerts call for, one message
        per rule and site: when the first of its instances starts firing, as a
        repeat, and when the last one is resolved. Returns the deliveries to
        record (`record`), so no store lock is held while posting."""
        seen = {(i.rule, i.labels, i.state, i.since): i for i in [*active, *(after for _, after in changes)]}
        notes = {
            (a.inst.rule, a.inst.labels, a.inst.state, a.inst.since): a
            for a in loop.annotate(con, list(seen.values()), now)
        }

        def note(inst: Instance) -> loop.Annotated:
            return notes[(inst.rule, inst.labels, inst.state, inst.since)]

        def muted(inst: Instance) -> bool:
            return note(inst).silence is not None

        changed = {(after.rule, after.labels) for _, after in changes}
        live = [i for i in active if i.labels != "{}" and not muted(i)]
        firing_now = [i for i in live if i.state == "firing"]
        # what was firing before this evaluation: the unchanged firing ones and those that left firing now
        was_firing = {group_of(i) for i in firing_now if (i.rule, i.labels) not in changed}
        was_firing |= {group_of(b) for b, a in changes if b.state == "firing" and a.labels != "{}" and not muted(a)}
        still_active = {group_of(i) for i in live if i.state in ("firing", "recovering")}
        due: dict[tuple[tuple[str, str], str], list[Instance]] = {}
        for g in {group_of(i) for i in firing_now} - was_firing:
            due[(g, "firing")] = [i for i in firing_now if group_of(i) == g]
        for _, after in changes:
            g = group_of(after)
            if after.state == "resolved" and not muted(after) and after.labels != "{}" and g not in still_active:
                due.setdefault((g, "resolved"), []).append(after)
        for g in {group_of(i) for i in firing_now}:
            members = [i for i in firing_now if group_of(i) == g]
            if (g, "firing") in due or all(note(i).ack for i in members):
                continue  # just sent, or everyone acknowledged: no repeat until a state changes
            last = self.last_sent.get(g)
            if last is None or now - last >= self.config.repeat_interval:
                due[(g, "repeat")] = members
        return [self._send(g, kind, members, now) for (g, kind), members in due.items()]

    def _send(self, group: tuple[str, str], kind: str, members: list[Instance], now: datetime) -> dict:
        rule, site = group
        names = self.names
        where = names.site(site) if names and site else site
        title = f"{TITLES[kind]} {self._title(rule)}" + (f" · {where}" if where else "")
        lines = [f"> {i.message}" for i in members]
        if self.on_duty():
            attempts, error = self.webhook.send(title, "\n".join(lines))
            outcome = "failed" if error else "ok"
        else:
            attempts, error, outcome = 0, None, "standby"
        record = {"sent_at": now, "rule": rule, "site": site, "kind": kind, "instances": len(members),
                  "attempts": attempts, "outcome": outcome, "detail": error}  # fmt: skip
        if not error:
            self.last_sent[group] = now
        log.info("alert notification %s %r: %s %s", kind, title, record["outcome"], error)
        return record

    def _title(self, rule: str) -> str:
        r = (self.rules or {}).get(rule)
        return r.title() if r else rule


def record(con: duckdb.DuckDBPyConnection, deliveries: list[dict]) -> None:
    for d in deliveries:
        con.execute(sql("write_alert_delivery"), d)
