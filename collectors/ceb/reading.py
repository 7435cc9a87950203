"""Reading message files: their bytes (safely), their records, and the copy to keep.

A file is read into an `Outcome`: the records parsed from it, or the reason it
cannot be read, and, for a small file, its redacted copy made from the same
tree. Reading is the costliest part of a file's way in (about 200 µs for a
one-list CEB621), so a large run of files is read in reading processes beside
the one that writes them (`Reader`), at a lower priority: the writer's batches
and the screens' queries keep their core while the next files are parsed, and
the records come back as Arrow tables (collectors/ceb/columns.py). Nothing is
moved or written here; the ingester moves a file only once its records are
committed.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import shutil
import signal
import stat
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from collectors.ceb.columns import into_tables
from collectors.ceb.parse import MessageError, Parsed, parse_root, read_xml
from collectors.ceb.redact import redact_root

# a file this small has its kept copy made from the tree it was read into, while it waits for its batch
REDACT_AHEAD_BYTES = 1024 * 1024
# a run of at least this many files is read in the reading processes, CHUNK_FILES a task: the peak
# as it comes (a quarter second of it is about 300 files) and a backlog. Smaller runs (a quiet
# night, a test) are read in place, with no hand-over to wait for. From 2,000 files instead, the
# peak's parsing shared the writer's thread and the wall fell behind (docs/PERFORMANCE.md)
BESIDE_FROM_FILES = 200
CHUNK_FILES = 128
# tasks handed over ahead of the one being written: about a second of parsing, so the reading
# processes keep busy while a batch is written (4 ahead left one idle a third of the time)
AHEAD_CHUNKS = 32
# parsing can wait; the writer and the screens' queries cannot: on a busy machine they go first
WORKER_NICE = 10
# two: while one waits for its next task or for its results to be taken, the other parses; one
# alone sat idle a quarter of the time behind the writer
READING_PROCESSES = 2
# where a reading process leaves a chunk's results (memory, where the system has it): the pipe back
# carries only the file's name, a message too short to be cut in half by a process killed while
# sending it, which would leave the pool waiting for the rest of it for ever
HAND_OVER_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else None
GONE = "gone"  # the error of a file removed between its listing and its reading


@dataclass
class Outcome:
    path: Path
    parsed: Parsed | None = None
    error: MessageError | None = None
    redacted: bytes | None = None  # the kept copy, made ahead (small files only)
    identity: tuple | None = None  # (device, inode, size, mtime) when read: the copy is of this file


def identity(st: os.stat_result) -> tuple:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _read_up_to(fd: int, size: int, limit: int) -> bytes:
    """At most `limit` bytes of an open file `size` long when it was looked at, with
    no buffered file object (the inbox reads thousands of small files a second)."""
    parts, got = [], 0
    while got < limit:
        chunk = os.read(fd, min(max(size + 1 - got, 1 << 16), limit - got))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def file_bytes(path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """The file's bytes: a regular file only (a link swapped in after listing is
    refused too), never more than the size limit read."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise MessageError("not_a_file", "not a regular file")
        if st.st_size > max_bytes:
            raise MessageError("too_large", f"file is {st.st_size:,} bytes, over the limit of {max_bytes:,}")
        data = _read_up_to(fd, st.st_size, max_bytes + 1)  # it may have grown since fstat
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise MessageError("too_large", f"file is over the limit of {max_bytes:,} bytes")
    return data, st


def read_file(path: Path, category_for_hs: Callable[[str], str], max_bytes: int, keep_copy: bool) -> Outcome:
    """One file's outcome; with `keep_copy`, the redacted copy of a small file too."""
    try:
        data, st = file_bytes(path, max_bytes)
    except MessageError as e:
        return Outcome(path, error=e)
    except FileNotFoundError:  # taken away since it was listed: nothing to read, nothing to set aside
        if not path.parent.is_dir():  # not the file but its folder: that is a fault, not a sender's choice
            return Outcome(path, error=MessageError("unreadable", "cannot read the file: its folder is gone"))
        return Outcome(path, error=MessageError(GONE, "the file is gone"))
    except OSError as e:
        return Outcome(path, error=MessageError("unreadable", f"cannot read the file: {e.strerror}"))
    try:
        root = read_xml(data, max_bytes, keep_layout=False)  # a kept copy with a problem is made anew
        outcome = Outcome(path, parsed=parse_root(root, category_for_hs), identity=identity(st))
    except MessageError as e:  # of these bytes: a file changed since is read again, not set aside
        return Outcome(path, error=e, identity=identity(st))
    if keep_copy and len(data) <= REDACT_AHEAD_BYTES and not outcome.parsed.refused:
        try:
            outcome.redacted = redact_root(root)
        except Exception:  # made again when archived, where a failure is noted
            outcome.redacted = None
    return outcome


# -- the reading processes -------------------------------------------------------------------
_settings: tuple[Callable[[str], str], int, bool] | None = None
_hand_over: str = ""


def _start_worker(category_for_hs: Callable[[str], str], max_bytes: int, keep_copy: bool, hand_over: str) -> None:
    global _settings, _hand_over
    _settings, _hand_over = (category_for_hs, max_bytes, keep_copy), hand_over
    try:  # ends with the app, even one killed outright (Linux)
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the app, which stops this process
    try:  # WORKER_NICE whatever the thread that started it had (a collector's, itself lowered)
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), WORKER_NICE))
    except OSError:
        pass


# what a reading process hands back for a file whose records went into the chunk's tables: a
# message's (type, spans, issues, refused), or None, then (error, redacted, identity); plain values
# cost a third of what pickled Outcomes and Paths do to rebuild in the writing process, which
# holds the interpreter lock meanwhile
_Handed = tuple[tuple | None, MessageError | None, bytes | None, tuple | None]


def _read_chunk(paths: list[Path]) -> str:
    """The chunk's results, pickled into a file of the hand-over folder: that file's name."""
    assert _settings is not None
    fd, name = tempfile.mkstemp(dir=_hand_over)
    with os.fdopen(fd, "wb") as f:
        pickle.dump(_chunk_results(paths), f, protocol=pickle.HIGHEST_PROTOCOL)
    return name


def _chunk_results(paths: list[Path]) -> list[Outcome] | tuple[dict | None, list[_Handed]]:
    assert _settings is not None
    outcomes = [read_file(p, *_settings) for p in paths]
    if not into_tables([o.parsed for o in outcomes]):  # records that misfit their schema go as they are
        return outcomes
    tables = next((o.parsed.tables for o in outcomes if o.parsed and o.parsed.tables), None)
    return tables, [
        (
            (o.parsed.message_type, o.parsed.spans, o.parsed.issues, o.parsed.refused) if o.parsed else None,
            o.error,
            o.redacted,
            o.identity,
        )
        for o in outcomes
    ]


def _taken(name: str) -> list[Outcome] | tuple[dict | None, list[_Handed]]:
    """A chunk's results from the file a reading process left them in (gone once read)."""
    try:
        with open(name, "rb") as f:
            return pickle.load(f)
    finally:
        os.unlink(name)


def _outcomes(paths: list[Path], handed: list[Outcome] | tuple[dict | None, list[_Handed]]) -> list[Outcome]:
    """The outcomes of a chunk read in a reading process, with the paths it was given."""
    if isinstance(handed, list):
        return handed
    tables, rows = handed
    out = []
    for path, (message, error, redacted, ident) in zip(paths, rows, strict=True):
        parsed = None
        if message is not None:
            kind, spans, issues, refused = message
            parsed = Parsed(kind, issues=issues, refused=refused, tables=tables if spans else None, spans=spans)
        out.append(Outcome(path, parsed, error, redacted, ident))
    return out


def _ready() -> None:
    """A reading process's first task: nothing but its start (`Reader` warms them)."""


class Reader:
    """Reads files in order, a large run in reading processes. They start with the
    first files read, so the first large run (the first second of a peak) finds
    them ready rather than waiting a second or two for them to start; reading
    processes that fail are not started again, and their files are read in place."""

    def __init__(self, category_for_hs: Callable[[str], str], max_bytes: int, keep_copy: bool, beside: bool):
        self._settings = (category_for_hs, max_bytes, keep_copy)
        self._beside = beside
        self._pool: ProcessPoolExecutor | None = None
        self._hand_over: str | None = None  # a folder of this reader's own, while its processes run

    def outcomes(self, paths: list[Path]) -> Iterator[Outcome]:
        if not self._beside or len(paths) < BESIDE_FROM_FILES:
            if paths and self._pool is None:
                self._warm()
            for p in paths:
                yield read_file(p, *self._settings)
            return
        chunks = [paths[i : i + CHUNK_FILES] for i in range(0, len(paths), CHUNK_FILES)]
        pending: deque[tuple[list[Path], Future | None]] = deque()
        for chunk in chunks:
            pending.append((chunk, self._submit(chunk)))
            while len(pending) > AHEAD_CHUNKS:
                yield from self._take(*pending.popleft())
        while pending:
            yield from self._take(*pending.popleft())

    def _warm(self) -> None:
        """Starts the reading processes without waiting for them (a task each)."""
        for _ in range(READING_PROCESSES):
            if self._call(_ready) is None:
                return

    def _submit(self, chunk: list[Path]) -> Future | None:
        return self._call(_read_chunk, chunk)

    def _call(self, task: Callable, *args) -> Future | None:
        if not self._beside:
            return None
        try:
            if self._pool is None:
                self._hand_over = tempfile.mkdtemp(prefix="cbec-reading-", dir=HAND_OVER_DIR)
                self._pool = ProcessPoolExecutor(
                    READING_PROCESSES,
                    mp_context=get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(*self._settings, self._hand_over),
                )
            return self._pool.submit(task, *args)
        except Exception:  # no reading process (it could not start, or it died): read here
            self._beside = False
            self.close()
            return None

    def _take(self, chunk: list[Path], future: Future | None) -> list[Outcome]:
        if future is not None:
            try:
                return _outcomes(chunk, _taken(future.result()))
            except Exception:  # a reading process failed: these files are read here, and the rest too
                self._beside = False
                self.close()
        return [read_file(p, *self._settings) for p in chunk]

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        hand_over, self._hand_over = self._hand_over, None
        if hand_over is not None:  # results never taken, or half written by a process that died
            shutil.rmtree(hand_over, ignore_errors=True)
