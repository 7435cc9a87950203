"""Parsed messages into a sink, for every source of CEB messages (the inbox, the
broker): their records by kind in WRITE_ORDER, and the record of a message set
aside (quarantine) with its reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from collectors.ceb.columns import records_of
from collectors.ceb.parse import MessageError, Parsed
from collectors.records import RecordError, make_batch
from collectors.sinks import Sink

WRITE_ORDER = ("declaration", "receipt", "request", "request_receipt", "tax", "tax_status", "format_reject")


@dataclass
class Tally:
    by_kind: dict[str, int] = field(default_factory=dict)  # record kind -> records read
    duplicates: int = 0

    @property
    def records(self) -> int:
        return sum(self.by_kind.values())


def write_records(parsed: Sequence[Parsed], sink: Sink, source: str, tally: Tally) -> None:
    # lists before receipts before the rest: a batch's joins find what the same run brought
    for kind in WRITE_ORDER:
        records = records_of(parsed, kind)
        if records is not None:
            batch = make_batch(kind, records, source)
            result = sink.write(batch)
            tally.duplicates += result.duplicates
            tally.by_kind[kind] = tally.by_kind.get(kind, 0) + len(batch)


def write_messages(parsed: Sequence[Parsed | None], sink: Sink, source: str, tally: Tally) -> dict[int, MessageError]:
    """Writes the records of all the messages at once; when the store refuses the
    batch, message by message, so the others still go in. Returns the refused
    messages' errors by their index. A store failure (disk full, ...) propagates."""
    try:
        write_records([p for p in parsed if p is not None], sink, source, tally)
        return {}
    except RecordError:
        pass
    refused = {}
    for i, p in enumerate(parsed):
        if p is None:
            continue
        try:
            write_records([p], sink, source, tally)
        except RecordError as e:
            refused[i] = MessageError("store_refused", str(e))
    return refused


@dataclass(frozen=True)
class Fault:
    """Why a message is set aside: its code, the reason shown, the line at fault."""

    code: str
    reason: str
    line: int | None
    kept: int  # valid records ingested
    refused: int

    @classmethod
    def of(cls, parsed: Parsed | None, error: MessageError | None) -> Fault:
        issues = parsed.issues if parsed else []
        refused = parsed.refused if parsed else 0
        kept = parsed.count if parsed else 0
        if error is not None:
            code, detail, line = error.code, error.reason, error.line
        else:
            first = issues[0]
            code, line = "invalid_records", first.line
            detail = (
                f"{refused} invalid record(s), {kept} valid kept; first: {first.element} "
                f"line {first.line} {first.field} {first.reason}"
            )
        return cls(code, f"{code}: {detail}", line, kept, refused)

    def event(self, at: datetime, name: str, moved_to: str) -> dict:
        """The quarantine record of a message named `name` (masked: never its content)."""
        return {
            "quarantined_at": at,
            "file_name": name,
            "moved_to": moved_to,
            "reason": self.reason,
            "line": self.line,
            "records_kept": self.kept,
            "records_refused": self.refused or (0 if self.kept else 1),
        }


def write_quarantined(events: list[dict], sink: Sink, source: str) -> None:
    if events:
        sink.write(make_batch("quarantine", {k: [e[k] for e in events] for k in events[0]}, source))
