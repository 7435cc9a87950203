from __future__ import annotations

from datetime import datetime
from decimal import Decimal

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
            "trade_mode": ["1210", "9610"],
            "line_gnum": [[1], [1]],
            "line_price": [[Decimal("211.38")], [Decimal(50)]],
            "line_qty": [[Decimal(1)], [Decimal(1)]],
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
    assert released == {
        (("district", "3100"), ("platform", "tmall"), ("site", "bsq"), ("trade_mode", "1210")): 1.0,
        (("district", "3100"), ("platform", "kaola"), ("site", "hzw"), ("trade_mode", "9610")): 1.0,
    }
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
            assert s.labels["district"] == "3100", s
            assert set(s.labels) <= {
                "district",
                "site",
                "platform",
                "warehouse",
                "component",
                "collector",
                "kind",
                "outcome",
                "status_class",
                "trade_mode",
                "message_type",
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
    collectors = {c.name for c in config.collectors if c.enabled} | ({"video"} if config.video.cameras else set())
    assert {s.labels["collector"] for s in fams["cbec_collector_up"].samples} == collectors


def test_cancellations_tax_and_format_rejects_are_counted_by_site_and_trade_mode(tmp_path, config):
    from pathlib import Path

    from collectors.ceb.inbox import Ingester, list_files

    golden = Path(__file__).parent / "golden" / "ceb"
    rt = Runtime(config, db_path=tmp_path / "m.duckdb", with_collectors=False)
    files = list_files([golden / "tax_voided_after_cancellation", golden / "format_rejects"])
    Ingester("inbox", config.category_for_hs).run([f for f in files if f.suffix == ".xml"], rt.sink)
    fams = families(rt.metrics_text())

    def value(name: str, **labels) -> float:
        labels["district"] = "3100"
        return next(s.value for s in fams[name].samples if s.name == f"{name}_total" and s.labels == labels)

    assert value("cbec_cancelled_lists", site="bsq", trade_mode="1210") == 1
    assert value("cbec_cancelled_goods_value_cny", site="bsq", trade_mode="1210") == 410.0
    assert value("cbec_tax_assessed_cny", site="bsq", trade_mode="1210") == 37.31
    assert value("cbec_tax_voided_cny", site="bsq", trade_mode="1210") == 37.31
    assert value("cbec_tax_assessed_cny", site="lishe", trade_mode="9610") == 9.10001
    assert value("cbec_tax_voided_cny", site="lishe", trade_mode="9610") == 0
    assert value("cbec_format_rejects", message_type="CEB621") == 2
    assert value("cbec_format_rejects", message_type="CEB623") == 1
    rt.stop()
