"""Alert notifications to a group robot or webhook, grouped by rule and site:
when an alert starts firing, again every `repeat_interval` while it fires
(unless acknowledged), and when it is resolved. Silenced alerts send nothing.
Every delivery is recorded, failures included."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import duckdb

from core.alerts import loop
from core.alerts.engine import Instance
from core.alerts.rules import NotifyConfig
from core.webhook import Webhook
from queries.loader import sql

log = logging.getLogger("cbec.alerts")
TITLES = {"firing": "告警", "repeat": "告警（仍在持续）", "resolved": "告警恢复"}


def group_of(inst: Instance) -> tuple[str, str]:
    return inst.rule, json.loads(inst.labels).get("site", "")


class Notifier:
    def __init__(self, config: NotifyConfig, webhook: Webhook, con: duckdb.DuckDBPyConnection):
        self.config, self.webhook = config, webhook
        self.last_sent = {(rule, site): at for rule, site, at in con.execute(sql("read_alert_last_sent")).fetchall()}

    def process(
        self,
        con: duckdb.DuckDBPyConnection,
        changes: list[tuple[Instance, Instance]],
        active: list[Instance],
        now: datetime,
    ) -> list[dict]:
        """Sends what these transitions and the firing alerts call for; returns the
        deliveries to record (`record`), so no store lock is held while posting."""
        seen = {(i.rule, i.labels, i.state, i.since): i for i in [*active, *(after for _, after in changes)]}
        notes = {
            (a.inst.rule, a.inst.labels, a.inst.state, a.inst.since): a
            for a in loop.annotate(con, list(seen.values()), now)
        }

        def note(inst: Instance) -> loop.Annotated:
            return notes[(inst.rule, inst.labels, inst.state, inst.since)]

        def muted(inst: Instance) -> bool:
            return note(inst).silence is not None

        due: dict[tuple[tuple[str, str], str], list[Instance]] = {}
        for before, after in changes:
            if muted(after) or after.labels == "{}":
                continue
            if after.state == "firing" and before.state != "firing":
                due.setdefault((group_of(after), "firing"), []).append(after)
            elif after.state == "resolved":
                due.setdefault((group_of(after), "resolved"), []).append(after)
        firing = [i for i in active if i.state == "firing" and i.labels != "{}" and not muted(i)]
        for group in {group_of(i) for i in firing}:
            members = [i for i in firing if group_of(i) == group]
            if (group, "firing") in due or all(note(i).ack for i in members):
                continue  # just sent, or everyone acknowledged: no repeat until a state changes
            last = self.last_sent.get(group)
            if last is None or now - last >= self.config.repeat_interval:
                due[(group, "repeat")] = members
        return [self._send(group, kind, members, now) for (group, kind), members in due.items()]

    def _send(self, group: tuple[str, str], kind: str, members: list[Instance], now: datetime) -> dict:
        rule, site = group
        title = f"{TITLES[kind]} {rule}" + (f" · {site}" if site else "")
        lines = [f"> {i.message}" for i in members]
        attempts, error = self.webhook.send(title, "\n".join(lines))
        record = {"sent_at": now, "rule": rule, "site": site, "kind": kind, "instances": len(members),
                  "attempts": attempts, "outcome": "failed" if error else "ok", "detail": error}  # fmt: skip
        if not error:
            self.last_sent[group] = now
        log.info("alert notification %s %s: %s %s", kind, group, record["outcome"], error)
        return record


def record(con: duckdb.DuckDBPyConnection, deliveries: list[dict]) -> None:
    for d in deliveries:
        con.execute(sql("write_alert_delivery"), d)
