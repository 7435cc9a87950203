"""How long the inbox keeps originals, and the record of each purge.

quarantine/ keeps a set-aside original with its `<name>.reason.json` for
`quarantine_keep_days` after it was set aside (the newest modification time of
the pair: the sidecar is written when the file is set aside), then both go.
processed/ keeps its day folders (YYYY-MM-DD, the day of the ingest) for
`archive_keep_days` days, then the whole folder goes. Times are the inbox's
clock, so a replayed night purges nothing of today's files.

A purge that removed something is logged and recorded in the audit trail
(action `inbox.purge`, target the folder, detail the counts and the quoted
names of what went, never content).
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from base.clock import now_beijing, to_epoch_seconds
from queries.loader import sql

log = logging.getLogger("cbec.ceb")
SIDECAR = ".reason.json"
NAMES_RECORDED = 20  # the first names of a purge are quoted; the rest counted
ACTION = "inbox.purge"


@dataclass(frozen=True)
class Purge:
    """What one purge of one folder removed."""

    at: datetime
    folder: str  # "quarantine" or "processed"
    keep_days: int
    names: tuple[str, ...]  # the files (quarantine) or day folders (processed) removed
    files: int  # files removed, sidecars included
    failed: int = 0  # entries that could not be removed (logged)

    def detail(self) -> str:
        quoted = ", ".join(repr(n) for n in self.names[:NAMES_RECORDED])  # quoted: a name may hold a newline
        more = f" and {len(self.names) - NAMES_RECORDED} more" if len(self.names) > NAMES_RECORDED else ""
        failed = f"; {self.failed} could not be removed" if self.failed else ""
        what = f"{self.files} file(s)"
        if self.folder == "processed":
            what = f"{len(self.names)} day folder(s), {self.files} file(s) in all,"
        return f"{what} older than {self.keep_days} days: {quoted}{more}{failed}"


def record(con: duckdb.DuckDBPyConnection, purge: Purge, actor: str, *, source: str = "collector") -> None:
    """The purge as an audit event (queries/sql/write_audit.sql)."""
    con.execute(
        sql("write_audit"),
        {"at": purge.at, "actor": actor, "role": "collector", "action": ACTION, "target": purge.folder,
         "detail": purge.detail(), "source": source, "outcome": "failed" if purge.failed else "ok"},
    )  # fmt: skip


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except FileNotFoundError:
        return []


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(name) if len(name) == 10 else None
    except ValueError:
        return None


def _files_under(path: str) -> int:
    n = 0
    for _, _, files in os.walk(path):  # links are not followed
        n += len(files)
    return n


@dataclass
class Retention:
    """Purges quarantine/ and processed/ at most once per `every`."""

    quarantine_dir: Path | None
    processed_dir: Path | None
    quarantine_keep_days: int = 30
    archive_keep_days: int = 90
    clock: Callable[[], datetime] = now_beijing
    on_purge: Callable[[Purge], None] | None = None  # records a purge (the runtime writes the audit trail)
    every: timedelta = timedelta(hours=1)
    _last: datetime | None = field(default=None, repr=False)

    def due(self) -> list[Purge]:
        """Purges when the last purge is `every` ago (or the clock went back); else nothing."""
        now = self.clock()
        if self._last is not None and self._last <= now < self._last + self.every:
            return []
        return self.run()

    def run(self) -> list[Purge]:
        now = self.clock()
        self._last = now
        done = [p for p in (self._quarantine(now), self._processed(now)) if p is not None and (p.names or p.failed)]
        for p in done:
            log.info("purged %s/: %s", p.folder, p.detail())
            if self.on_purge is not None:
                try:
                    self.on_purge(p)
                except Exception as e:  # the purge is done; its record failing is logged, never fatal
                    log.error("could not record the purge of %s/: %s", p.folder, type(e).__name__)
        return done

    def _quarantine(self, now: datetime) -> Purge | None:
        if self.quarantine_dir is None:
            return None
        limit = to_epoch_seconds(now) - self.quarantine_keep_days * 86400
        units: dict[str, list[os.DirEntry]] = {}
        for e in _entries(self.quarantine_dir):
            if e.is_file(follow_symlinks=False):
                base = e.name.removesuffix(".tmp").removesuffix(SIDECAR)
                units.setdefault(base, []).append(e)
        names, files, failed = [], 0, 0
        for _, entries in sorted(units.items()):
            try:
                newest = max(e.stat(follow_symlinks=False).st_mtime for e in entries)
            except OSError:
                continue  # gone meanwhile
            if newest >= limit:
                continue
            for e in sorted(entries, key=lambda e: e.name):
                try:
                    os.unlink(e.path)
                    names.append(e.name)
                    files += 1
                except FileNotFoundError:
                    pass
                except OSError as err:
                    failed += 1
                    log.error("could not purge %r: %s", e.name, err.strerror)
        return Purge(now, "quarantine", self.quarantine_keep_days, tuple(names), files, failed)

    def _processed(self, now: datetime) -> Purge | None:
        if self.processed_dir is None:
            return None
        oldest_kept = now.date() - timedelta(days=self.archive_keep_days)
        names, files, failed = [], 0, 0
        for e in sorted(_entries(self.processed_dir), key=lambda e: e.name):
            day = _day(e.name)
            if day is None or day >= oldest_kept:
                continue
            try:
                if not stat.S_ISDIR(e.stat(follow_symlinks=False).st_mode):
                    continue
            except OSError:
                continue
            n = _files_under(e.path)
            errors: list[OSError] = []
            shutil.rmtree(e.path, onerror=lambda _f, _p, info, errors=errors: errors.append(info[1]))
            if errors:
                failed += 1
                log.error("could not purge all of %r: %s", e.name, errors[0].strerror)
                continue
            names.append(e.name)
            files += n
        return Purge(now, "processed", self.archive_keep_days, tuple(names), files, failed)
