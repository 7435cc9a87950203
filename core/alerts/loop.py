"""The ops loop around alerts: acknowledge one state of an alert with a
comment (who and when), and silence alerts by labels for a time window. Both
are kept in the store; neither changes an alert's state."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from core.alerts.engine import Instance
from queries.loader import sql


class LoopError(ValueError):
    """A request the loop refuses, with the reason in words."""


@dataclass(frozen=True)
class Ack:
    by: str
    comment: str
    at: datetime


@dataclass(frozen=True)
class Silence:
    id: str
    matchers: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    by: str
    comment: str

    def matches(self, inst: Instance, now: datetime) -> bool:
        if not (self.starts_at <= now < self.ends_at):
            return False
        labels = {"rule": inst.rule, **json.loads(inst.labels)}
        return all(labels.get(k) == v for k, v in self.matchers.items())


def acknowledge(con: duckdb.DuckDBPyConnection, inst: Instance, by: str, comment: str, now: datetime) -> None:
    if not by.strip() or not comment.strip():
        raise LoopError("an acknowledgement needs who and a comment")
    if inst.state not in ("pending", "firing", "recovering", "nodata", "error"):
        raise LoopError(f"nothing to acknowledge: the alert is {inst.state}")
    con.execute(
        sql("write_alert_ack"),
        {"rule": inst.rule, "labels": inst.labels, "state": inst.state, "state_since": inst.since,
         "acked_by": by.strip(), "comment": comment.strip(), "acked_at": now},
    )  # fmt: skip


def acks(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str, datetime], Ack]:
    rows = con.execute(sql("read_alert_acks")).fetchall()
    return {(rule, labels, state, since): Ack(by, comment, at) for rule, labels, state, since, by, comment, at in rows}


def ack_of(all_acks: dict, inst: Instance) -> Ack | None:
    """The acknowledgement of this alert's current state, if any: a new state is not acknowledged."""
    return all_acks.get((inst.rule, inst.labels, inst.state, inst.since))


@dataclass(frozen=True)
class Annotated:
    """An active alert with what ops did about it: its current state's acknowledgement, a silence on it."""

    inst: Instance
    ack: Ack | None
    silence: Silence | None


def annotate(con: duckdb.DuckDBPyConnection, instances: list[Instance], now: datetime) -> list[Annotated]:
    """The one reading of acknowledgements and silences for the alerts page, the wall and the notifier."""
    if not instances:  # nothing active: no reading (the wall's snapshot asks every refresh)
        return []
    all_acks, all_silences = acks(con), silences(con, now)
    return [
        Annotated(i, ack_of(all_acks, i), next((s for s in all_silences if s.matches(i, now)), None)) for i in instances
    ]


def parse_matchers(text: str) -> dict[str, str]:
    """`rule=warehouse_occupancy_high site=bsq` (space or comma separated)."""
    out = {}
    for part in filter(None, (p.strip() for p in text.replace(",", " ").split())):
        key, sep, value = part.partition("=")
        if not sep or not key or not value:
            raise LoopError(f"a matcher is label=value, not {part!r}")
        out[key] = value
    if not out:
        raise LoopError("a silence needs at least one label=value")
    return out


def silence(
    con: duckdb.DuckDBPyConnection, matchers: dict[str, str], hours: float, by: str, comment: str, now: datetime
) -> str:
    if not by.strip() or not comment.strip():
        raise LoopError("a silence needs who and a comment")
    if not 0 < hours <= 24 * 7:
        raise LoopError("a silence lasts more than nothing and at most a week")
    sid = uuid.uuid4().hex[:12]
    con.execute(
        sql("write_alert_silence"),
        {"id": sid, "matchers": json.dumps(matchers, sort_keys=True, ensure_ascii=False), "starts_at": now,
         "ends_at": now + timedelta(hours=hours), "created_by": by.strip(), "comment": comment.strip(),
         "created_at": now},
    )  # fmt: skip
    return sid


def end_silence(con: duckdb.DuckDBPyConnection, sid: str, now: datetime) -> None:
    con.execute(sql("write_alert_silence_end"), {"id": sid, "now": now})


def silences(con: duckdb.DuckDBPyConnection, now: datetime) -> list[Silence]:
    return [
        Silence(sid, json.loads(m), starts, ends, by, comment)
        for sid, m, starts, ends, by, comment, _ in con.execute(sql("read_alert_silences"), {"now": now}).fetchall()
    ]
