"""CEB messages from a RabbitMQ broker: the XML of one message as each body.

Every instance has its own durable queue bound to a durable fanout exchange,
so each gets every message. A run waits up to `first_wait_s` for a message,
gathers for at most BATCH_SECONDS (or `prefetch` messages), writes all their
records through the sink (collectors/ceb/writer.py, as the inbox does), and
only then acknowledges them. A store failure acknowledges nothing: the
messages go back to the queue and come again, and since the sink is
idempotent a message delivered twice changes nothing.

A message that cannot be read, or holds invalid records, has its valid
records written; its copy with personal data removed (`for_quarantine`) goes
to the dead-letter exchange with headers naming the reason, code and line,
and a quarantine record names it by its message id (masked) or a short hash
of it, never by its content, as a quarantined file's does. It is acknowledged
once the dead-letter exchange has confirmed the copy.

A lost or refused broker raises BrokerUnavailable: the runner backs off and
retries, and what was not acknowledged waits in the durable queue.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pika
import pika.exceptions

from base.clock import now_beijing
from base.secrets import Lookup, file_secret
from collectors.broker.link import FAILURES, Link, unavailable
from collectors.ceb.inbox import BATCH_SECONDS
from collectors.ceb.parse import DEFAULT_MAX_BYTES, MessageError, Parsed, parse_root, read_xml
from collectors.ceb.redact import for_quarantine, safe_name
from collectors.ceb.writer import Fault, Tally, write_messages, write_quarantined
from collectors.sinks import Sink
from collectors.source import Collected

log = logging.getLogger("cbec.broker")
BATCH_BYTES = 64 * 1024 * 1024  # a batch stops gathering past this many bytes of messages


@dataclass
class Delivery:
    tag: int
    body: bytes
    message_id: str | None


@dataclass
class _Message:
    name: str
    body: bytes
    parsed: Parsed | None = None
    error: MessageError | None = None


@dataclass
class _Consumer:
    """The channel consuming this instance's queue on one connection, and what it was handed."""

    conn: pika.BlockingConnection
    channel: object
    pending: list[Delivery] = field(default_factory=list)


def message_name(message_id: str | None, body: bytes) -> str:
    """How a message is recorded and logged: its id masked as a file's name is, else a short hash."""
    if message_id:
        return safe_name(message_id)[:200]
    return "msg-" + hashlib.sha256(body).hexdigest()[:12]


@dataclass
class BrokerSource:
    name: str
    url: str
    category_for_hs: Callable[[str], str]
    exchange: str = "cbec.ceb"
    queue: str = "cbec.ceb.primary"
    dead_letter_exchange: str = "cbec.ceb.dead"
    dead_letter_queue: str = ""  # "": the queue's name + ".dead"
    prefetch: int = 500
    max_message_bytes: int = DEFAULT_MAX_BYTES
    first_wait_s: float = 1.0  # a run waits this long for a first message, so one is taken at once
    batch_seconds: float = BATCH_SECONDS
    clock: Callable[[], datetime] = now_beijing
    secrets: Lookup | None = file_secret

    def __post_init__(self) -> None:
        self.dead_letter_queue = self.dead_letter_queue or f"{self.queue}.dead"
        self.link = Link(self.url, self.secrets)
        self._consumer: _Consumer | None = None

    # -- the run -------------------------------------------------------------------
    def collect(self, sink: Sink) -> Collected:
        conn, new = self.link.open()
        try:
            try:
                consumer = self._consumer_on(conn, new)
                batch = self._gather(consumer)
            except FAILURES as e:
                raise self._lost(conn, e) from None
            if not batch:
                return Collected(0, "nothing new")
            messages = [self._read(d) for d in batch]
            try:
                tally, events = self._write(messages, sink)
            except Exception:
                self._requeue(consumer, batch[-1].tag)  # committed nothing: the messages come again
                raise
            try:
                for m, fault, event in events:
                    self._dead_letter(consumer, m, fault, event)
                consumer.channel.basic_ack(batch[-1].tag, multiple=True)
            except FAILURES as e:  # committed and idempotent: a redelivery changes nothing
                raise self._lost(conn, e) from None
        finally:
            self.link.release(conn)
        note = f"{len(batch)} message(s)"
        if events:
            note += f", {len(events)} dead-lettered"
        return Collected(tally.records, note)

    def _consumer_on(self, conn: pika.BlockingConnection, new: bool) -> _Consumer:
        current = self._consumer
        if not new and current is not None and current.conn is conn and current.channel.is_open:
            return current
        ch = conn.channel()
        ch.exchange_declare(self.exchange, "fanout", durable=True)
        ch.queue_declare(self.queue, durable=True)
        ch.queue_bind(self.queue, self.exchange)
        ch.exchange_declare(self.dead_letter_exchange, "direct", durable=True)
        ch.queue_declare(self.dead_letter_queue, durable=True)
        ch.queue_bind(self.dead_letter_queue, self.dead_letter_exchange, routing_key=self.dead_letter_queue)
        ch.confirm_delivery()  # a dead letter is acknowledged only once the broker holds its copy
        ch.basic_qos(prefetch_count=self.prefetch)
        consumer = _Consumer(conn, ch)

        def on_message(_ch, method, props, body: bytes) -> None:
            consumer.pending.append(Delivery(method.delivery_tag, body, props.message_id))

        ch.basic_consume(self.queue, on_message_callback=on_message)
        self._consumer = consumer
        return consumer

    def _gather(self, c: _Consumer) -> list[Delivery]:
        deadline = time.monotonic() + self.first_wait_s
        while not c.pending and (left := deadline - time.monotonic()) > 0:
            c.conn.process_data_events(time_limit=left)
        if c.pending:
            end = time.monotonic() + self.batch_seconds
            size = sum(len(d.body) for d in c.pending)
            while len(c.pending) < self.prefetch and size < BATCH_BYTES and (left := end - time.monotonic()) > 0:
                c.conn.process_data_events(time_limit=min(left, 0.05))
                size = sum(len(d.body) for d in c.pending)
        batch, c.pending = c.pending, []
        return batch

    def _read(self, d: Delivery) -> _Message:
        m = _Message(message_name(d.message_id, d.body), d.body)
        try:
            m.parsed = parse_root(read_xml(d.body, self.max_message_bytes), self.category_for_hs)
        except MessageError as e:
            m.error = e
        except Exception as e:  # a message no reader expected is set aside, never redelivered forever
            m.error = MessageError("unreadable", f"the message cannot be read ({type(e).__name__})")
        return m

    def _write(self, messages: list[_Message], sink: Sink) -> tuple[Tally, list[tuple[_Message, Fault, dict]]]:
        tally = Tally()
        for i, error in write_messages([m.parsed for m in messages], sink, self.name, tally).items():
            messages[i].error, messages[i].parsed = error, None
        events = []
        for m in messages:
            if m.error is not None or m.parsed.refused:
                fault = Fault.of(m.parsed, m.error)
                event = fault.event(self.clock(), m.name, f"amqp:{self.dead_letter_queue}")
                events.append((m, fault, event))
                log.warning("dead-lettered %r: %s", m.name, fault.reason)  # quoted: an id may hold a newline
        write_quarantined([e for _, _, e in events], sink, self.name)
        return tally, events

    def _dead_letter(self, c: _Consumer, m: _Message, fault: Fault, event: dict) -> None:
        headers = {
            "x-cbec-reason": event["reason"],
            "x-cbec-code": fault.code,
            "x-cbec-line": event["line"],
            "x-cbec-records-kept": event["records_kept"],
            "x-cbec-records-refused": event["records_refused"],
            "x-cbec-source": self.name,
        }
        try:
            body = for_quarantine(m.body, m.parsed.issues if m.parsed else None, self.max_message_bytes)
        except Exception as e:  # never keeps what it could not redact
            body = b""
            headers["x-cbec-copy"] = f"not kept: cannot be redacted ({getattr(e, 'code', None) or type(e).__name__})"
        props = pika.BasicProperties(
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=m.name,
            content_type="application/xml",
            timestamp=int(time.time()),
            headers=headers,
        )
        c.channel.basic_publish(self.dead_letter_exchange, self.dead_letter_queue, body, props, mandatory=True)

    def _requeue(self, c: _Consumer, last_tag: int) -> None:
        try:
            c.channel.basic_nack(last_tag, multiple=True, requeue=True)
        except FAILURES:  # a lost connection hands them out again anyway
            self.link.drop(c.conn)

    def _lost(self, conn: pika.BlockingConnection, e: BaseException) -> Exception:
        self.link.drop(conn)
        if self._consumer is not None and self._consumer.conn is conn:
            self._consumer = None
        return unavailable(self.url, e)

    def close(self) -> None:
        """Closes the connection (from the thread that runs the source); unacknowledged messages go back."""
        self._consumer = None
        self.link.close()
