"""The figures a drill compares: straight from the fact tables, and the
rollup the screens read, which must agree with them."""

from __future__ import annotations

from pathlib import Path

import duckdb


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
