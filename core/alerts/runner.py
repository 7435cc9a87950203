"""Evaluates the alert rules in the running app on their own interval, beside
the collectors, and keeps the latest states for the pages and /metrics."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from base.failures import log_failure
from base.secrets import file_secret
from core.alerts import editor, notify
from core.alerts.engine import Evaluator, Instance, load_states, record
from core.alerts.notify import Notifier
from core.alerts.rules import AlertConfig, Rule, with_overrides
from core.names import Names
from core.webhook import Webhook
from queries.store import Store, transaction

log = logging.getLogger("cbec.alerts")


class AlertRunner:
    def __init__(
        self,
        config: AlertConfig,
        store: Store,
        clock: Callable[[], datetime],
        health: Callable[[], dict],
        webhook: Webhook | None = None,
        names: Names | None = None,
        on_duty: Callable[[], bool] = lambda: True,  # a standby off duty records, never sends (core/duty.py)
    ):
        self.config, self.store, self.clock, self.health = config, store, clock, health
        self.names = names
        n = config.notify
        if webhook is None and n.webhook_url:
            webhook = Webhook(n.webhook_url, n.webhook_kind, n.webhook_secret, n.retries, secrets=file_secret)
        with store.reading() as con:
            self.config = config = replace(config, rules=with_overrides(config.rules, editor.overrides(con)))
            self.evaluator = Evaluator(config.rules, load_states(con), names)
            self.notifier = Notifier(n, webhook, con, names, self.evaluator.rules, on_duty) if webhook else None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="alerts", daemon=True)
        self.last_evaluated: datetime | None = None

    def evaluate(self) -> list[tuple[Instance, Instance]]:
        """One evaluation of every rule, its transitions stored."""
        now = self.clock()
        health = self.health()
        with self._lock:
            with self.store.reading() as con:
                changes = self.evaluator.evaluate(con, now, health)
            if changes:
                with self.store.write_lock, transaction(self.store.writer):
                    record(self.store.writer, changes, now)
            self.last_evaluated = now
            if self.notifier:
                with self.store.reading() as con:
                    deliveries = self.notifier.process(con, changes, self.evaluator.active(), now)
                if deliveries:
                    with self.store.write_lock:
                        notify.record(self.store.writer, deliveries)
        for before, after in changes:
            log.info("alert %s %s: %s -> %s %s", after.rule, after.labels, before.state, after.state, after.message)
        return changes

    def replace_rule(self, rule: Rule) -> None:
        """A rule saved from the editor takes effect at the next evaluation; its alerts keep their states."""
        with self._lock:
            self.evaluator.rules[rule.name] = rule
            self.config = replace(self.config, rules=tuple(self.evaluator.rules.values()))

    def active(self) -> list[Instance]:
        with self._lock:
            return self.evaluator.active()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(30)

    def _loop(self) -> None:
        while not self._stop.wait(self.config.interval.total_seconds()):
            try:
                self.evaluate()
            except Exception as e:
                log_failure(log, "alert evaluation failed", e)
