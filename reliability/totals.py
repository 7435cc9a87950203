"""The figures a drill compares: straight from the fact tables, and the
rollup the screens read, which must agree with them."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def totals(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = lambda s: con.execute(s).fetchall()  # noqa: E731
        released, value = q("SELECT count(*), coalesce(sum(goods_value_fen), 0) FROM inventory_list"
                            " WHERE released_at IS NOT NULL")[0]  # fmt: skip
        return {
            "lists": q("SELECT count(*) FROM inventory_list")[0][0],
            "declared": q("SELECT count(*) FROM inventory_list WHERE app_time IS NOT NULL")[0][0],
            "receipts": q("SELECT count(*) FROM receipt")[0][0],
            "released": released,
            "value_fen": int(value),
            "by_site": dict(
                q(
                    "SELECT site_code, count(*) FROM inventory_list WHERE released_at IS NOT NULL"
                    " GROUP BY ALL ORDER BY ALL"
                )
            ),  # fmt: skip
            "rollup_released": int(q("SELECT coalesce(sum(released_lists), 0) FROM release_minute")[0][0]),
        }
    finally:
        con.close()


def peak_files(work: Path, length: timedelta, records_per_file: int) -> tuple[list[Path], dict]:
    """The first `length` of 2019-11-11 as CEB message files in work/source, and their
    totals ingested straight from the files (`cbec ingest`) into work/reference.duckdb."""
    from base.config import load_config
    from collectors.simulator.source import simulate_batch
    from collectors.simulator.xml_out import XmlFileSink

    source, start = work / "source", datetime(2019, 11, 11)
    simulate_batch(load_config(), XmlFileSink(source, records_per_file=records_per_file), start.date(), start + length)
    reference = work / "reference.duckdb"
    subprocess.run([sys.executable, "-m", "cbec.cli", "ingest", str(source), "--db", str(reference), "--json"],
                   cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    return sorted(source.iterdir()), totals(reference)
