"""One connection to the broker, owned by one thread.

pika's BlockingConnection is not thread-safe. The runner calls a source from a
one-thread pool and waits for a run past its timeout rather than start another,
and a connection is still used only by the thread that opened it (the source
may be called from elsewhere, as `cbec` commands and tests do). Another thread
asking for it gets a new one; the old one is closed then if no call
uses it, else by its own thread when its call ends (`release`), and the
broker hands its unacknowledged messages out again."""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, urlsplit

import pika
import pika.exceptions

from base import redact
from base.secrets import Lookup, file_secret, resolve_secret

# pika tells of every connection and frame at INFO and DEBUG, its warning about a returned message
# quotes the message's first bytes (personal data), and a failed connection is six error lines and a
# traceback at every retry: what matters is raised to us, and the runner logs it once, redacted
logging.getLogger("pika").setLevel(logging.CRITICAL)
_REF = re.compile(r"\$\{[A-Z0-9_]+\}")
# what a lost or refused connection raises, whichever step it broke
FAILURES = (pika.exceptions.AMQPError, OSError)
SAID_NO = (
    pika.exceptions.ChannelClosedByBroker,
    pika.exceptions.ConnectionClosedByBroker,
    pika.exceptions.ProbableAuthenticationError,
    pika.exceptions.ProbableAccessDeniedError,
)


class BrokerUnavailable(RuntimeError):
    """The broker cannot be reached or the connection was lost (no password in the text)."""


def where(url: str) -> str:
    """host:port of a broker URL, for messages (never its user or password)."""
    try:
        parts = urlsplit(url)
        return f"{parts.hostname or '?'}:{parts.port or (5671 if parts.scheme == 'amqps' else 5672)}"
    except ValueError:
        return "<url>"


def resolved(url: str, secrets: Lookup | None = file_secret) -> str:
    """The URL with each ${NAME} replaced by its secret, escaped for a URL (a password may hold '@' or '/')."""
    return _REF.sub(lambda m: quote(resolve_secret(m.group(0), secrets), safe=""), url)


def _why(e: BaseException) -> str:
    # pika wraps the socket's error in one or two of its own
    for _ in range(5):
        inner = getattr(e, "exception", None) or (e.args[0] if e.args else None)
        if not isinstance(inner, BaseException):
            break
        e = inner
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    text = str(e).strip()
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def unavailable(url: str, e: BaseException) -> BrokerUnavailable:
    # a broker that answers but says no (a login refused, a queue declared otherwise) is not unreachable
    state = "refused" if isinstance(e, SAID_NO) else "unreachable"
    return BrokerUnavailable(f"broker at {where(url)} {state}: {redact.text(_why(e))}")


class Link:
    def __init__(self, url: str, secrets: Lookup | None = file_secret, timeout_s: float = 3.0):
        self.url = url
        self.secrets = secrets
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._conn: pika.BlockingConnection | None = None
        self._owner: int | None = None  # the thread that opened it
        self._busy = False  # a call is using it

    def open(self) -> tuple[pika.BlockingConnection, bool]:
        """This thread's connection, and whether it is new (its topology and
        consumers must be set up again). Pair each call with `release`."""
        me = threading.get_ident()
        with self._lock:
            old, busy = self._conn, self._busy
            if old is not None and self._owner == me and old.is_open:
                self._busy = True
                return old, False
            self._conn, self._owner, self._busy = None, None, False
        # another thread's connection in use is closed by that thread when its call ends (`release`)
        if old is not None and not busy:
            self._close(old)
        try:
            params = pika.URLParameters(resolved(self.url, self.secrets))
        except ValueError as e:  # its text may quote the URL, password and all
            raise BrokerUnavailable(f"broker URL for {where(self.url)} is not valid ({type(e).__name__})") from None
        params.connection_attempts = 1
        params.socket_timeout = self.timeout_s
        params.stack_timeout = self.timeout_s + 2
        params.blocked_connection_timeout = 30  # a broker short of disk or memory holds publishers
        params.heartbeat = 30
        try:
            conn = pika.BlockingConnection(params)
        except FAILURES as e:
            raise unavailable(self.url, e) from None
        with self._lock:
            self._conn, self._owner, self._busy = conn, me, True
        return conn, True

    def drop(self, conn: pika.BlockingConnection) -> None:
        """Forgets the connection (after a failure) and closes it; only its own thread calls this."""
        with self._lock:
            if self._conn is conn:
                self._conn, self._owner, self._busy = None, None, False
        self._close(conn)

    def release(self, conn: pika.BlockingConnection) -> None:
        """At the end of a call: a connection another thread has replaced is closed by its own thread."""
        with self._lock:
            mine = self._conn is conn
            if mine:
                self._busy = False
        if not mine:
            self._close(conn)

    def close(self) -> None:
        """Closes the connection; only its own thread calls this."""
        with self._lock:
            conn, self._conn, self._owner, self._busy = self._conn, None, None, False
        if conn is not None:
            self._close(conn)

    @staticmethod
    def _close(conn: pika.BlockingConnection) -> None:
        try:
            if conn.is_open:
                conn.close()
        except Exception:  # already broken: nothing to close cleanly
            pass
