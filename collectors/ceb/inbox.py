"""The exchange inbox: customs message files dropped into a folder.

Each run picks up the files in the inbox, parses them, writes their records
through the sink, and only then moves each file: to processed/YYYY-MM-DD/ as a
copy with its personal data redacted (collectors/ceb/redact.py), or to
quarantine/ as a copy redacted the same way and scrubbed of the values at
fault, with a sidecar <name>.reason.json naming the reason and line. Both
folders are purged after their number of days (collectors/ceb/retention.py).
A crash at any instant loses nothing (files move only after their records are
committed) and counts nothing twice (the sink is idempotent, so a file seen
again changes nothing).

The rule for a partly bad file: its valid records are ingested, its invalid
ones are left out, and the file goes to quarantine/ with every invalid record
listed in the sidecar (element, line, field, reason).
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from base.clock import now_beijing
from base.renames import rename_new
from collectors.ceb import arrivals
from collectors.ceb.arrivals import Arrivals
from collectors.ceb.listing import Waiting, waiting_names
from collectors.ceb.parse import DEFAULT_MAX_BYTES, MessageError
from collectors.ceb.reading import GONE, Outcome, Reader, file_bytes, identity
from collectors.ceb.redact import for_quarantine, redact, safe_name
from collectors.ceb.retention import Purge, Retention
from collectors.ceb.writer import Fault, Tally, write_messages, write_quarantined
from collectors.sinks import Sink
from collectors.source import Collected

log = logging.getLogger("cbec.ceb")
# the inbox commits what it has read at least this often: with the pickup on arrival and the walls'
# push on commit, a file's figures are on the screens well within a second at the peak
BATCH_SECONDS = 0.25
# behind (more files still waiting in a run than the batch has read), a batch reads for up to
# BACKLOG_SECONDS: a batch's cost hardly grows with its size (a second of files at three times
# Ningbo's peak writes in about the time of a quarter of one), and the files already wait longer
BACKLOG_SECONDS = 1.0
# tax, cancellation and return records move no release figure; the inbox writes them at most about
# this often, so that their costlier batch (a snapshot of the lists' figures, a few hundred ms with a
# night stored) holds up the release figures behind it once every three seconds at the peak rather
# than every second (landing to wall at the peak: p95 about 0.7 s against about 1 s)
FIGURES_SECONDS = 3.0
FIGURE_KINDS = frozenset({"request", "request_receipt", "tax", "tax_status"})
# while a backlog is read, held figure files are written about this often instead
BACKLOG_FIGURES_SECONDS = 5.0


@dataclass
class IngestReport(Tally):
    files: int = 0
    quarantined: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "records": dict(sorted(self.by_kind.items())),
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
        }


def _regular(p: Path) -> bool:
    # lstat: a symbolic link is not followed (it may point anywhere on the machine)
    try:
        return stat.S_ISREG(p.lstat().st_mode)
    except OSError:
        return False


def list_files(paths: Iterable[Path]) -> list[Path]:
    """Regular files named directly, and the regular files in named folders
    (not their subfolders); links, devices and pipes are left alone."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(p / name for name in waiting_names(p))
        elif _regular(p):
            out.append(p)
        elif p.is_symlink() or p.exists():
            log.warning("skipped %r: not a regular file", str(p.with_name(safe_name(p.name))))
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return out


def _changed(o: Outcome) -> bool:
    """Whether the file is no longer the one read (a sender replaced or rewrote
    it meanwhile): it is then left in the inbox, and its records as they are
    now are read on the next run. A file gone is not changed: its move reports it."""
    if o.identity is None:
        return False
    try:
        st = os.stat(o.path, follow_symlinks=False)
    except OSError:
        return False
    if identity(st) == o.identity:
        return False
    log.info("%r changed after it was read: left to be read again", safe_name(o.path.name))
    return True


def _unique(target: Path) -> Path:
    if not target.exists():
        return target
    for n in range(1, 100_000):
        candidate = target.with_name(f"{target.stem}.{n}{target.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(target)


@dataclass
class Ingester:
    """Parses files and writes their records; moves them when asked."""

    source_name: str
    category_for_hs: Callable[[str], str]
    processed_dir: Path | None = None  # None: leave files where they are
    quarantine_dir: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    batch_records: int = 50_000
    # a batch is also committed once it has waited this long: a file's figures reach the screens
    # within about this much of its pickup, whatever the rate (None: by size only, for bulk imports)
    batch_seconds: float | None = None
    # files of figure records only (FIGURE_KINDS) are held across batches and runs, for at most this
    # long, and written together (None: with their batch)
    figures_seconds: float | None = None
    clock: Callable[[], datetime] = now_beijing
    # a large run's files are read in reading processes while the batches are written (reading.Reader)
    read_beside: bool = False
    _held: list[Outcome] = field(default_factory=list, init=False, repr=False)
    _held_since: float = field(default=0.0, init=False, repr=False)
    _made: Path | None = field(default=None, init=False, repr=False)  # the day folder made last

    def __post_init__(self) -> None:
        keep_copy = self.processed_dir is not None
        self.reader = Reader(self.category_for_hs, self.max_bytes, keep_copy, self.read_beside)

    def close(self) -> None:
        self.reader.close()

    def held(self) -> set[Path]:
        """The files read and held, not written yet: a listing of the inbox leaves them out."""
        return {o.path for o in self._held}

    def run(self, files: list[Path], sink: Sink, progress: Callable[[int], None] | None = None) -> IngestReport:
        report = IngestReport()
        group: list[Outcome] = []
        pending = read = 0
        started = time.monotonic()
        for i, outcome in enumerate(self.reader.outcomes(files)):
            read += 1
            if outcome.error is not None and outcome.error.code == GONE:
                log.info("%r was removed before it was read", safe_name(outcome.path.name))
                continue
            if self._holds(outcome):
                if not self._held:
                    self._held_since = time.monotonic()
                self._held.append(outcome)
            else:
                group.append(outcome)
                pending += outcome.parsed.count if outcome.parsed else 0
            if pending >= self.batch_records or self._due(started, read, len(files) - i - 1):
                self._flush(group, sink, report)
                if progress:
                    progress(len(group))
                behind = len(files) - i - 1 >= read
                group, pending, read, started = [], 0, 0, time.monotonic()
                # held files due go now, while the reading processes still have files ahead, not
                # at the run's end with none (a backlog's run is some 20,000 files); behind, they
                # wait longer, as a tax batch costs much the same for five seconds of files as for one
                self.release_held(sink, report, BACKLOG_FIGURES_SECONDS if behind else None)
        if group:
            self._flush(group, sink, report)
            if progress:
                progress(len(group))
        self.release_held(sink, report)
        return report

    def _due(self, started: float, read: int, waiting: int) -> bool:
        """Whether the batch is due: after `batch_seconds`, or up to BACKLOG_SECONDS
        while more files wait in this run than the batch has read."""
        if self.batch_seconds is None:
            return False
        waited = time.monotonic() - started
        if waited < self.batch_seconds:
            return False
        return waited >= BACKLOG_SECONDS or waiting < read

    def _holds(self, o: Outcome) -> bool:
        return (
            self.figures_seconds is not None
            and o.parsed is not None
            and not o.parsed.refused
            and bool(o.parsed.kinds())
            and FIGURE_KINDS.issuperset(o.parsed.kinds())
        )

    def release_held(self, sink: Sink, report: IngestReport | None = None, hold: float | None = None) -> IngestReport:
        """Writes the held files once the first has waited `figures_seconds` (or
        `hold`), or they are many."""
        report = report or IngestReport()
        if not self._held:
            return report
        records = sum(o.parsed.count for o in self._held)
        waited = time.monotonic() - self._held_since
        if records >= self.batch_records or waited >= (hold or self.figures_seconds or 0.0):
            group, self._held = self._held, []
            self._flush(group, sink, report)
        return report

    def _bytes(self, path: Path) -> bytes:
        return file_bytes(path, self.max_bytes)[0]

    def _flush(self, group: list[Outcome], sink: Sink, report: IngestReport) -> None:
        refused = write_messages([o.parsed for o in group], sink, self.source_name, report)
        for i, error in refused.items():
            group[i].error, group[i].parsed = error, None
        # a store failure (disk full, ...) propagates: nothing moves, the runner retries
        # records are committed: now the files may move
        events = []
        day = self._day_folder()
        for o in group:
            report.files += 1
            if o.error is None and not o.parsed.refused:
                if day is not None:
                    self._archive(o, day)
                continue
            if self.quarantine_dir is not None and _changed(o):
                continue  # not set aside for what it held when read: read again next run, as it is now
            events.append(self._quarantine(o))
            shown = str(o.path.with_name(safe_name(o.path.name)))
            report.quarantined.append({"file": shown, "reason": events[-1]["reason"]})
        write_quarantined(events, sink, self.source_name)

    def _day_folder(self) -> Path | None:
        """processed/DATE for a batch's files, made once a day rather than per file."""
        if self.processed_dir is None:
            return None
        folder = self.processed_dir / self.clock().strftime("%Y-%m-%d")
        if folder != self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made = folder
        return folder

    def _quarantine(self, o: Outcome) -> dict:
        issues = o.parsed.issues if o.parsed else []
        fault = Fault.of(o.parsed, o.error)
        name = safe_name(o.path.name)  # a name may be planted too: it is recorded, logged and kept masked
        target = _unique(self.quarantine_dir / name) if self.quarantine_dir else None
        sidecar = {
            "file": name,
            "reason": fault.reason,
            "code": fault.code,
            "line": fault.line,
            "records_kept": fault.kept,
            "records_refused": fault.refused,
            "issues": [i.as_dict() for i in issues],  # the first few; records_refused counts them all
            "quarantined_at": self.clock().isoformat(timespec="seconds"),
        }
        if target is not None:
            try:
                content = for_quarantine(self._bytes(o.path), issues if o.parsed else None, self.max_bytes)
            except (OSError, MessageError) as e:  # too large, a link, gone: nothing of it is kept
                content = None
                sidecar["copy"] = f"not kept ({getattr(e, 'code', None) or e.strerror})"
            except Exception as e:  # never fails the ingest; never keeps what it could not redact
                content = None
                sidecar["copy"] = f"not kept: cannot be redacted ({type(e).__name__})"
            target.parent.mkdir(parents=True, exist_ok=True)
            note = json.dumps(sidecar, ensure_ascii=False, indent=2).encode("utf-8")
            if self._replace_with(None, target.with_name(target.name + ".reason.json"), note):
                self._replace_with(o.path, target, content)
        log.warning("quarantined %r: %s", name, fault.reason)  # quoted: a name may hold a newline
        return fault.event(self.clock(), name, str(target) if target else "")

    def _archive(self, o: Outcome, day: Path) -> None:
        """Keeps the file's redacted copy (collectors/ceb/redact.py) in processed/DATE/
        and removes the original. A file that cannot be redacted is not kept: a note
        `<name>.not-archived.json` takes its place."""
        path = o.path
        name = safe_name(path.name)
        if o.redacted is not None and self._redact_in_place(o, day, name):
            return
        if _changed(o):  # replaced or rewritten since it was read: read again next run, never lost
            return
        day.mkdir(parents=True, exist_ok=True)  # it may have been removed since the batch began
        target = _unique(day / name)
        try:
            data = self._bytes(path)
        except (OSError, MessageError) as e:  # gone or swapped since it was read: left alone
            log.error("could not archive %r: %s", safe_name(path.name), getattr(e, "strerror", None) or e.code)
            return
        try:
            content = redact(data, self.max_bytes)
        except Exception as e:  # never fails the ingest; never keeps what it could not redact
            code = e.code if isinstance(e, MessageError) else type(e).__name__
            log.warning("not archived %r: cannot be redacted (%s)", safe_name(path.name), code)
            note = {"file": safe_name(path.name), "not_archived": f"cannot be redacted ({code})",
                    "at": self.clock().isoformat(timespec="seconds")}  # fmt: skip
            target = _unique(target.with_name(target.name + ".not-archived.json"))
            content = json.dumps(note, ensure_ascii=False, indent=2).encode("utf-8")
        self._replace_with(path, target, content)

    def _redact_in_place(self, o: Outcome, day: Path, name: str) -> bool:
        """Writes the copy made ahead over the file itself, padded with spaces to
        its length, and renames it into processed/: no block is freed, so no
        name or ID number is left behind in freed blocks, and no delete is paid
        (on a disk with online discard a delete waits about 3 ms). False when
        the file is no longer the one read, or the copy is longer: the caller
        then writes a new copy."""
        try:
            fd = os.open(o.path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return False
        try:
            st = os.fstat(fd)
            if identity(st) != o.identity or len(o.redacted) > st.st_size:
                return False
            if stat.S_IMODE(st.st_mode) != 0o600:
                os.fchmod(fd, 0o600)
            os.pwrite(fd, o.redacted + b" " * (st.st_size - len(o.redacted)), 0)
        except OSError:
            return False
        finally:
            os.close(fd)
        target = day / name
        try:
            try:
                moved = rename_new(o.path, target)  # no look first: names seldom repeat
            except FileNotFoundError:  # the day's folder was removed meanwhile
                day.mkdir(parents=True, exist_ok=True)
                moved = rename_new(o.path, target)
            if not moved:
                target = _unique(target)
                os.rename(o.path, target)
        except OSError as e:  # the file stays in the inbox, redacted: read again, it changes nothing
            log.error("could not keep %r as %r: %s", name, str(target), e.strerror)
        return True

    def _replace_with(self, path: Path | None, target: Path, content: bytes | None) -> bool:
        """Writes `content` to `target`, owner-only, then removes the original
        `path` (a link itself, never what it points to). No content: the
        original is only removed."""
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            if content is not None:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(content)
                os.replace(tmp, target)
            if path is not None:
                os.unlink(path)
            return True
        except OSError as e:
            shown = safe_name(path.name) if path else ""
            log.error("could not keep %r as %r: %s", shown, str(target), e.strerror)
            tmp.unlink(missing_ok=True)
            return False


@dataclass
class _Watching:
    arrivals: Arrivals | None
    ingester: Ingester

    def close(self) -> None:
        if self.arrivals is not None:
            self.arrivals.close()
        self.ingester.close()


@dataclass
class InboxSource:
    """A collector over an inbox folder (see the module's docstring)."""

    name: str
    inbox: Path
    category_for_hs: Callable[[str], str]
    max_bytes: int = DEFAULT_MAX_BYTES
    max_files_per_run: int = 20_000
    processed: Path | None = None
    quarantine: Path | None = None
    clock: Callable[[], datetime] = now_beijing  # stamps quarantined files and dated folders
    quarantine_keep_days: int = 30
    archive_keep_days: int = 90
    figures_seconds: float | None = FIGURES_SECONDS  # None: figure records go with their batch (Ingester)
    on_purge: Callable[[Purge], None] | None = None  # records a purge (the runtime: the audit trail)
    read_beside: bool = True  # a large run's files are read in reading processes (collectors/ceb/reading.py)

    def __post_init__(self) -> None:
        self._wake: Callable[[], None] | None = None
        self._timer: threading.Timer | None = None  # wakes the runner when held files are due
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.waiting = Waiting(self.inbox)
        self.ingester = Ingester(
            self.name,
            self.category_for_hs,
            processed_dir=self.processed or self.inbox / "processed",
            quarantine_dir=self.quarantine or self.inbox / "quarantine",
            max_bytes=self.max_bytes,
            batch_seconds=BATCH_SECONDS,
            figures_seconds=self.figures_seconds,
            clock=lambda: self.clock(),
            read_beside=self.read_beside,
        )
        self.retention = Retention(
            self.ingester.quarantine_dir,
            self.ingester.processed_dir,
            quarantine_keep_days=self.quarantine_keep_days,
            archive_keep_days=self.archive_keep_days,
            clock=lambda: self.clock(),
            on_purge=lambda purge: self.on_purge(purge) if self.on_purge else None,
        )

    def watch(self, wake: Callable[[], None]) -> _Watching:
        """Wakes the runner as soon as a file lands (collectors/ceb/arrivals.py), and
        when held files are due. Closing it stops the reading process too."""
        self._wake = wake
        return _Watching(arrivals.watch(self.inbox, wake), self.ingester)

    def _come_back_for_held(self) -> None:
        """One timer at a time, however often the runner comes (several times a second at the peak)."""
        if not self.ingester.held() or self._wake is None or self._timer is not None:
            return
        self._timer = threading.Timer(self.figures_seconds or 0.0, self._held_due)
        self._timer.daemon = True
        self._timer.start()

    def _held_due(self) -> None:
        self._timer = None  # before the wake: the run it starts may need a timer of its own
        if self._wake is not None:
            self._wake()

    def collect(self, sink: Sink) -> Collected:
        try:
            self.retention.due()  # at most once an hour
        except OSError as e:  # a folder that cannot be listed stops no ingest
            log.error("could not purge the inbox's old files: %s", e.strerror)
        held = self.ingester.held()
        files = self.waiting.take(held, self.max_files_per_run)
        if not files:
            report = self.ingester.release_held(sink)
            self._come_back_for_held()
            return Collected(report.records, f"{report.files} held file(s)" if report.files else "nothing new")
        report = self.ingester.run(files, sink)
        self._come_back_for_held()
        note = f"{report.files} file(s)"
        if report.quarantined:
            note += f", {len(report.quarantined)} quarantined"
        return Collected(report.records, note)
