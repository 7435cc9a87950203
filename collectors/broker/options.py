"""The broker collector's options ([[collector]] kind = "ceb_broker"; sample.toml beside this file)."""

from __future__ import annotations

from dataclasses import dataclass

from collectors.ceb.parse import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class BrokerOptions:
    url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"  # a password may be given as ${NAME}
    exchange: str = "cbec.ceb"  # fanout, durable: every instance's queue gets every message
    queue: str = "cbec.ceb.primary"  # this instance's own durable queue
    dead_letter_exchange: str = "cbec.ceb.dead"
    dead_letter_queue: str = ""  # "" : the queue's name + ".dead"
    prefetch: int = 500  # messages handed out and not acknowledged yet, at most; also a batch's cap
    max_message_bytes: int = DEFAULT_MAX_BYTES

    def __post_init__(self) -> None:
        for name in ("prefetch", "max_message_bytes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a whole number, at least 1")
        if not self.url.startswith(("amqp://", "amqps://")):
            raise ValueError("url must start with amqp:// or amqps://")
        if not self.exchange or not self.queue:
            raise ValueError("exchange and queue must be named")
