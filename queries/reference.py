"""Loads the reference tables (sites, warehouses, platforms, categories) from config."""

from __future__ import annotations

import pyarrow as pa

from base.config import Config
from queries.loader import sql
from queries.store import Store, transaction


def _rows(config: Config) -> dict[str, pa.Table]:
    return {
        "site": pa.Table.from_pylist(
            [
                {
                    "site_code": s.code,
                    "name_zh": s.name_zh,
                    "name_en": s.name_en,
                    "confirmed": s.confirmed,
                    "volume_share": s.volume_share,
                }
                for s in config.sites
            ]
        ),
        "site_customs_code": pa.Table.from_pylist(
            [{"customs_code": cc, "site_code": s.code} for s in config.sites for cc in s.customs_codes]
        ),
        "warehouse": pa.Table.from_pylist(
            [
                {
                    "warehouse_code": w.code,
                    "site_code": w.site,
                    "name_zh": w.name_zh,
                    "name_en": w.name_en,
                    "area_m2": w.area_m2,
                    "area_code": w.area_code,
                    "automated": w.automated,
                }
                for w in config.warehouses
            ]
        ),
        "platform": pa.Table.from_pylist(
            [
                {
                    "platform_code": p.code,
                    "name_zh": p.name_zh,
                    "name_en": p.name_en,
                    "ebp_code": p.ebp_code,
                    "confirmed": p.confirmed,
                }
                for p in config.platforms
            ]
        ),
        "category": pa.Table.from_pylist(
            [{"category_code": c.code, "name_zh": c.name_zh, "name_en": c.name_en} for c in config.categories]
        ),
        "category_hs_prefix": pa.Table.from_pylist(
            [{"hs_prefix": p, "category_code": c.code} for c in config.categories for p in c.hs_prefixes]
        ),
    }


def load_reference(store: Store, config: Config) -> None:
    con = store.writer
    with store.write_lock:
        with transaction(con):
            for table, ref_rows in _rows(config).items():
                con.register("ref_rows", ref_rows)
                con.execute(sql(f"ref_load_{table}"))
                con.unregister("ref_rows")
