"""A PostgreSQL server of the benchmark's own (Debian's postgresql, on
loopback, in a temporary folder), loaded with the same tables as a DuckDB file."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

# DuckDB column types → PostgreSQL
TYPES = {"VARCHAR": "text", "TIMESTAMP": "timestamp", "BIGINT": "bigint", "INTEGER": "integer",
         "SMALLINT": "smallint", "DOUBLE": "double precision", "BOOLEAN": "boolean", "DATE": "date"}  # fmt: skip
# What a PostgreSQL team would build for these screens, one entry per need;
# `EXPLAIN ANALYZE` of every query in peer_sql/ on the day store uses each one.
INDEXES = [
    # the rollups' natural keys, as in DuckDB (an upsert needs them); minute
    # leads, so they serve every time-range query on the rollups
    ("release_minute", "ALTER TABLE release_minute ADD PRIMARY KEY (minute, site_code, platform_code, trade_mode)"),
    ("receipt_minute", "ALTER TABLE receipt_minute ADD PRIMARY KEY (minute, site_code, return_status)"),
    ("release_category_minute", "ALTER TABLE release_category_minute ADD PRIMARY KEY (minute, category_code)"),
    ("release_latency_minute",
     "ALTER TABLE release_latency_minute ADD PRIMARY KEY (minute, site_code, latency_cs)"),
    # review and holds waiting, oldest review: only the lists still waiting on
    # customs (39 k of 12 M at day scale), their predicate spelled as the queries
    # spell it so the planner proves it; index-only
    ("inventory_list", "CREATE INDEX ON inventory_list (declared_at) INCLUDE (site_code, last_status, last_status_at)"
                       " WHERE released_at IS NULL AND (last_status = 300 OR last_status BETWEEN 500 AND 599)"),
    ("occupancy_sample", "CREATE INDEX ON occupancy_sample (sampled_at)"),
    ("health_sample", "CREATE INDEX ON health_sample (metric, sampled_at)"),
    ("health_sample", "CREATE INDEX ON health_sample (sampled_at)"),
]  # fmt: skip


def _bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True)
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return Path(found[-1]).parent


class Postgres:
    def __init__(self, port: int, memory_mb: int = 4096):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="cbec-pg-"))
        shutil.chown(self.dir, "postgres")
        b = _bin()
        as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_pg, str(b / "initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U", "bench",
                        "--no-sync", "-E", "UTF8"], check=True, capture_output=True)  # fmt: skip
        settings = [
            "listen_addresses='127.0.0.1'", f"port={port}", f"unix_socket_directories='{self.dir}'",
            f"shared_buffers={memory_mb // 4}MB", f"effective_cache_size={memory_mb}MB", "work_mem=256MB",
            "maintenance_work_mem=1GB", "max_parallel_workers_per_gather=2", "fsync=off", "jit=off",
        ]  # fmt: skip
        (self.dir / "data" / "postgresql.auto.conf").write_text("\n".join(settings) + "\n")
        subprocess.run([*as_pg, str(b / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "log"),
                        "-w", "start"], check=True, capture_output=True)  # fmt: skip
        self._as_pg, self._bin = as_pg, b
        self.dsn = f"host=127.0.0.1 port={port} user=bench dbname=postgres"

    def connect(self):
        import psycopg

        return psycopg.connect(self.dsn, autocommit=True)

    def load(self, duck: Path, tables: list[str]) -> float:
        """Copies the tables from the DuckDB file; returns seconds taken."""
        from psycopg import sql as psql

        t0 = time.perf_counter()
        src = duckdb.connect(str(duck), read_only=True)
        with self.connect() as pg:
            for table in tables:
                cols = src.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?"
                    " ORDER BY ordinal_position", [table]
                ).fetchall()  # fmt: skip
                columns = psql.SQL(", ").join(
                    psql.SQL("{} {}").format(psql.Identifier(c), psql.SQL(TYPES.get(t, "text"))) for c, t in cols
                )
                pg.execute(psql.SQL("CREATE UNLOGGED TABLE {} ({})").format(psql.Identifier(table), columns))
                path = self.dir / f"{table}.csv"
                src.table(table).write_csv(str(path), header=False)
                copy_in = psql.SQL("COPY {} FROM STDIN (FORMAT csv)").format(psql.Identifier(table))
                with pg.cursor().copy(copy_in) as copy, open(path, "rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
                path.unlink()
            for table, ddl in INDEXES:
                if table in tables:
                    pg.execute(ddl)
            # sets the visibility map the index-only scans rely on; in a live
            # table the pages changed since autovacuum would cost heap fetches
            pg.execute("VACUUM ANALYZE")
        src.close()
        return time.perf_counter() - t0

    def stop(self) -> None:
        subprocess.run([*self._as_pg, str(self._bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)
