"""Which of two instances sends alert notifications and the digest.

Two instances fed the same messages hold the same figures, so only one may
speak for them. The primary always does. The standby does while the primary's
/healthz has not answered for `takeover_seconds` (counted from the standby's own
start when it never answered), and hands back as soon as it answers again. Each
asks the other's /healthz every `check_seconds`, so each can say whether the
other is alive. The standby's spells on duty are kept, so a primary back from a
restart does not repeat a digest the standby already sent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from base.clock import now_beijing
from base.config import InstanceConfig

log = logging.getLogger("cbec.duty")
KEEP_SPELLS = timedelta(days=1)


@dataclass(frozen=True)
class Spell:
    """A stretch of time a standby was on duty; `end` None while it lasts."""

    start: datetime
    end: datetime | None

    def covers(self, at: datetime) -> bool:
        return self.start <= at and (self.end is None or at < self.end)

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat() if self.end else None}

    @staticmethod
    def of(d: dict) -> Spell:
        end = d.get("end")
        return Spell(datetime.fromisoformat(d["start"]), datetime.fromisoformat(end) if end else None)


class Duty:
    def __init__(
        self,
        config: InstanceConfig,
        *,
        token: Callable[[], str] = lambda: "",  # the bearer token /healthz answers in full to
        get: Callable[..., httpx.Response] = httpx.get,
        monotonic: Callable[[], float] = time.monotonic,
        clock: Callable[[], datetime] = now_beijing,
    ):
        self.config, self._token, self._get, self._monotonic, self._clock = config, token, get, monotonic, clock
        self._lock = threading.Lock()
        self._last_answer = monotonic()  # the takeover window counts from our own start
        self._peer_alive: bool | None = None  # None: not asked yet
        self._peer_seen: datetime | None = None
        self._peer_body: dict = {}
        self._spells: list[Spell] = []
        self._on = config.role == "primary"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def has_peer(self) -> bool:
        return bool(self.config.peer_url)

    def on_duty(self) -> bool:
        """True when this instance sends notifications and the digest now."""
        with self._lock:
            return self._on

    def peer_alive(self) -> bool | None:
        """Whether the other instance answered its last check; None without one or before the first."""
        with self._lock:
            return self._peer_alive if self.has_peer else None

    def peer_covered(self, at: datetime) -> bool:
        """True when the other instance said it was on duty at `at` (a standby that stood in)."""
        with self._lock:
            spells = [Spell.of(s) for s in (self._peer_body.get("instance") or {}).get("spells", [])]
        return any(s.covers(at) for s in spells)

    def check(self) -> None:
        """One question to the other instance, and the duty that follows from the answer."""
        if not self.has_peer:
            return
        headers = {"authorization": f"Bearer {t}"} if (t := self._token()) else {}
        try:
            wait = min(2.0, self.config.check_seconds)
            r = self._get(f"{self.config.peer_url}/healthz", headers=headers, timeout=wait)
            alive, body = r.status_code == 200, (r.json() if r.status_code == 200 else {})
        except (httpx.HTTPError, ValueError):
            alive, body = False, {}
        now, mono = self._clock(), self._monotonic()
        with self._lock:
            was_alive, was_on = self._peer_alive, self._on
            self._peer_alive = alive
            if alive:
                self._last_answer, self._peer_seen, self._peer_body = mono, now, body if isinstance(body, dict) else {}
            if self.config.role == "standby":
                self._on = mono - self._last_answer >= self.config.takeover_seconds
                self._note_spell(was_on, now)
        if alive != was_alive:
            log.info("the other instance at %s %s", self.config.peer_url, "answers" if alive else "does not answer")
        if self._on and not was_on:
            quiet = self.config.takeover_seconds
            log.warning("standby takes over notifications and the digest: the primary has not answered for %g s", quiet)
        elif was_on and not self._on:
            log.warning("standby hands notifications and the digest back: the primary answers again")

    def _note_spell(self, was_on: bool, now: datetime) -> None:
        if self._on and not was_on:
            self._spells.append(Spell(now, None))
        elif was_on and not self._on and self._spells:
            self._spells[-1] = Spell(self._spells[-1].start, now)
        self._spells = [s for s in self._spells if s.end is None or now - s.end < KEEP_SPELLS]

    def status(self) -> dict:
        """What /healthz and the system-health page say of this instance and the other."""
        with self._lock:
            return {
                "name": self.config.name,
                "role": self.config.role,
                "on_duty": self._on,
                "spells": [s.as_dict() for s in self._spells],
                "peer": {
                    "url": self.config.peer_url,
                    "alive": self._peer_alive if self.has_peer else None,
                    "last_seen": self._peer_seen.isoformat(timespec="seconds") if self._peer_seen else None,
                    "name": (self._peer_body.get("instance") or {}).get("name", ""),
                }
                if self.has_peer
                else None,
            }

    def start(self) -> None:
        if not self.has_peer or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="duty", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.check()
            except Exception as e:  # a broken answer must never stop the checks
                log.warning("checking the other instance failed: %s", type(e).__name__)
            self._stop.wait(self.config.check_seconds)
