from __future__ import annotations

from datetime import datetime

from prometheus_client.parser import text_string_to_metric_families

from collectors.records import make_batch
from core.runtime import Runtime


def families(text: bytes) -> dict:
    return {f.name: f for f in text_string_to_metric_families(text.decode())}


def test_metrics_count_releases_and_value_by_site_and_ignore_repeats(tmp_path, config):
    rt = Runtime(config, db_path=tmp_path / "m.duckdb", with_collectors=False)
    decl = make_batch(
        "declaration",
        {
            "ebc_code": ["E1", "E1"],
            "cop_no": ["C1", "C2"],
            "invt_no": [None, None],
            "customs_code": ["3105", "3120"],
            "ebp_code": ["SIMEBP0001", "SIMEBP0002"],
            "area_code": [None, None],
            "app_time": [datetime(2019, 11, 11, 0, 0, 1)] * 2,
            "app_type": [1, 1],
            "goods_value_fen": [21138, 5000],
            "line_count": [1, 1],
            "category_code": ["food", "toys"],
        },
        "test",
    )
    rcpt = make_batch(
        "receipt",
        {
            "ebc_code": ["E1", "E1"],
            "cop_no": ["C1", "C2"],
            "invt_no": [None, None],
            "customs_code": ["3105", "3120"],
            "ebp_code": ["SIMEBP0001", "SIMEBP0002"],
            "return_status": [800, 800],
            "return_time": [datetime(2019, 11, 11, 0, 0, 3)] * 2,
            "return_info": [None, None],
        },
        "test",
    )
    for b in (decl, rcpt, rcpt, decl):
        rt.sink.write(b)
    fams = families(rt.metrics_text())
    released = {
        tuple(sorted(s.labels.items())): s.value
        for s in fams["cbec_released_lists"].samples
        if s.name == "cbec_released_lists_total" and s.value
    }
    assert released == {(("platform", "tmall"), ("site", "bsq")): 1.0, (("platform", "kaola"), ("site", "hzw")): 1.0}
    value = {
        s.labels["site"]: s.value
        for s in fams["cbec_released_goods_value_cny"].samples
        if s.name == "cbec_released_goods_value_cny_total"
    }
    assert value == {"bsq": 211.38, "hzw": 50.0, "lishe": 0.0, "meishan": 0.0}
    dup = {
        s.labels["kind"]: s.value
        for s in fams["cbec_records_duplicate"].samples
        if s.name == "cbec_records_duplicate_total" and s.value
    }
    assert dup == {"declaration": 2.0, "receipt": 2.0}
    for fam in fams.values():
        for s in fam.samples:
            assert set(s.labels) <= {
                "site",
                "platform",
                "warehouse",
                "component",
                "collector",
                "kind",
                "outcome",
                "status_class",
                "le",
            }, s
    rt.stop()


def test_metric_names_follow_prometheus_conventions(tmp_path, config):
    rt = Runtime(config, db_path=tmp_path / "m.duckdb", with_collectors=False)
    fams = families(rt.metrics_text())
    for name, fam in fams.items():
        assert name.startswith("cbec_"), name
        if fam.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in fam.samples)
        if "ratio" in name:
            assert fam.type == "gauge"
    rt.stop()


def test_the_first_scrape_shows_every_site_at_zero(tmp_path, config):
    rt = Runtime(config, db_path=tmp_path / "m.duckdb", with_collectors=True)
    try:
        fams = families(rt.metrics_text())  # nothing collected, nothing evaluated yet
    finally:
        rt.stop()
    sites = {s.code for s in config.sites}
    platforms = {p.code for p in config.platforms}

    def labelled(family: str, sample: str, label: str) -> set[str]:
        return {s.labels[label] for s in fams[family].samples if s.name == sample and s.value == 0}

    assert labelled("cbec_released_goods_value_cny", "cbec_released_goods_value_cny_total", "site") == sites
    assert labelled("cbec_released_lists", "cbec_released_lists_total", "platform") == platforms
    assert labelled("cbec_released_lists", "cbec_released_lists_total", "site") == sites
    assert labelled("cbec_receipts", "cbec_receipts_total", "site") == sites
    assert labelled("cbec_manual_review_oldest_age_seconds", "cbec_manual_review_oldest_age_seconds", "site") == sites
    collectors = {c.name for c in config.collectors if c.enabled}
    assert {s.labels["collector"] for s in fams["cbec_collector_up"].samples} == collectors
