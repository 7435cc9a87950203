"""Sends CEB message files to the broker's fanout exchange: persistent
messages, each confirmed by the broker before the next, so a message is
either held by every bound queue or reported as not sent. Used by
`cbec publish` and by the simulator's broker demo (CBEC_XML_DEMO=broker)."""

from __future__ import annotations

from pathlib import Path

import pika
import pika.exceptions

from base.secrets import Lookup, file_secret
from collectors.broker.link import FAILURES, Link, unavailable, where


class NotRouted(RuntimeError):
    """No queue is bound to the exchange: a message sent now would be lost."""


class Publisher:
    def __init__(self, url: str, exchange: str = "cbec.ceb", secrets: Lookup | None = file_secret):
        self.url = url
        self.exchange = exchange
        self.link = Link(url, secrets)
        self._channel = None

    def send(self, name: str, data: bytes) -> None:
        """Publishes one message named `name` (its message id); raises BrokerUnavailable or NotRouted."""
        conn, new = self.link.open()
        try:
            if new or self._channel is None or not self._channel.is_open:
                ch = conn.channel()
                ch.exchange_declare(self.exchange, "fanout", durable=True)
                ch.confirm_delivery()
                self._channel = ch
            props = pika.BasicProperties(
                delivery_mode=pika.DeliveryMode.Persistent, message_id=name, content_type="application/xml"
            )
            self._channel.basic_publish(self.exchange, "", data, props, mandatory=True)
        except pika.exceptions.UnroutableError:
            raise NotRouted(
                f"no queue is bound to exchange {self.exchange!r} at {where(self.url)}: "
                "start an instance whose ceb_broker collector declares its queue first"
            ) from None
        except FAILURES as e:
            self._channel = None
            self.link.drop(conn)
            raise unavailable(self.url, e) from None
        finally:
            self.link.release(conn)

    def send_file(self, path: Path) -> None:
        self.send(path.name, path.read_bytes())

    def close(self) -> None:
        self.link.close()
        self._channel = None
