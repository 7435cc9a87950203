"""Opens the DuckDB file, applies migrations, and hands out connections.

The process that runs the collectors owns the file: it holds one writer
connection and gives each reader its own cursor (DuckDB's MVCC keeps readers
consistent beside the writer). Another process cannot open the file while the
owner holds it; StoreLocked says so in one line.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_DUCKDB_CONFIG = {"autoinstall_known_extensions": "false"}


class StoreError(RuntimeError):
    """The database file cannot be used; the message says why in one line."""


class StoreLocked(StoreError):
    pass


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT. On failure, a ROLLBACK when the transaction is still open
    (a failed COMMIT, say on a full disk, has ended it already), and the first
    error is the one raised."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise


def migrations() -> list[tuple[int, Path]]:
    found = []
    for p in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = re.match(r"(\d+)_", p.name)
        if m:
            found.append((int(m.group(1)), p))
    versions = [v for v, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


LATEST_VERSION = len(migrations())


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'").fetchall()[
        0
    ][0]
    if not has:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
    return int(row or 0)


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Applies the migrations above the file's version, each in its own transaction."""
    target = LATEST_VERSION if target is None else target
    current = schema_version(con)
    if current > LATEST_VERSION:
        raise StoreError(f"the database is at schema version {current}, newer than this program ({LATEST_VERSION})")
    applied = []
    for version, path in migrations():
        if current < version <= target:
            with transaction(con):
                if version == 1:
                    con.execute(
                        "CREATE TABLE IF NOT EXISTS schema_version "
                        "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
                    )
                con.execute(path.read_text(encoding="utf-8"))
                con.execute("INSERT INTO schema_version VALUES (?, current_localtimestamp())", [version])
            applied.append(version)
    return applied


def _looks_foreign(con: duckdb.DuckDBPyConnection) -> bool:
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return bool(tables) and "schema_version" not in tables


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"database file not found: {path}")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=_DUCKDB_CONFIG)
        # a long migration or load would draw DuckDB's bar over the command's own output
        con.execute("SET enable_progress_bar = false")
        return con
    except duckdb.IOException as e:
        text = str(e)
        if "lock" in text.lower():
            raise StoreLocked(
                f"{path} is held by a running cbec server; stop it first, or use the running app "
                f"(accounts and tokens: its admin page; messages: drop files into its inbox)"
            ) from None
        raise StoreError(f"cannot open {path}: {text.splitlines()[0]}") from None
    except duckdb.Error as e:
        raise StoreError(f"{path} is not a usable cbec database: {str(e).splitlines()[0]}") from None


class WriterLock:
    """The lock around the writer connection. On release it runs to its end any
    result the holder left unread (a `fetchone()`): DuckDB keeps that result on
    the connection and refuses the next holder's `register`, `from_arrow` or
    `sql` until it is finished, so a sign-in's account lookup would fail the
    next collector batch."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._lock = threading.Lock()
        self._con = con

    def __enter__(self) -> WriterLock:
        self._lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._con.complete()
        except duckdb.Error:  # closed by the holder, or its statement failed: nothing is left pending
            pass
        finally:
            self._lock.release()


class Store:
    """The owner of one database file: a writer connection and reader cursors."""

    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._con = connect(self.path, read_only=read_only)
        self.write_lock = WriterLock(self._con)
        self.commits = 0  # batches committed by this process: the screens push new figures when it moves
        try:
            if _looks_foreign(self._con):
                raise StoreError(f"{self.path} holds tables that are not a cbec database; refusing to touch it")
            if read_only:
                if schema_version(self._con) != LATEST_VERSION:
                    raise StoreError(
                        f"{self.path} is at schema version {schema_version(self._con)}; "
                        f"open it once without read-only to upgrade it"
                    )
            else:
                migrate(self._con)
        except Exception:
            self._con.close()
            raise

    @property
    def writer(self) -> duckdb.DuckDBPyConnection:
        return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection for one reader thread."""
        return self._con.cursor()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A reader cursor, closed when the block ends."""
        con = self._con.cursor()
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """For a one-shot load of many large batches (`cbec simulate`, `cbec
        ingest`): a checkpoint every 64 MiB of log (about one per million
        simulated lists) and one at the end, instead of one after every commit
        whose log passes DuckDB's 16 MiB threshold, each rewriting the row
        groups that commit changed. DuckDB's memory is held to 768 MiB: it
        otherwise keeps every block it has read or written, up to 80% of the
        machine. Rows not checkpointed yet live only in that memory (spilled to
        a temporary file past the limit), hence the checkpoints. Commits stay
        durable in the write-ahead log; after a failed load the error raised is
        the load's own, not the checkpoint's."""
        with self.write_lock:
            self._con.execute("SET checkpoint_threshold = '64MB'")
            self._con.execute("SET memory_limit = '768MB'")
        try:
            yield
        finally:
            with self.write_lock:
                self._con.execute("RESET checkpoint_threshold")
                self._con.execute("RESET memory_limit")
        self.checkpoint()

    def checkpoint(self) -> None:
        with self.write_lock:
            self._con.execute("CHECKPOINT")

    def close(self) -> None:
        with self.write_lock:
            self._con.close()
