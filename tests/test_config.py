"""The configuration names every key nothing reads, in the main file, the reference files
and each collector's options; each collector kind's sample is a valid configuration."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from base.config import ROOT, ConfigError, load_config, options
from collectors import registry

SHIPPED = ROOT / "assets" / "config"


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    ref = tmp_path / "reference"
    shutil.copytree(SHIPPED / "reference", ref)
    text = (SHIPPED / "cbec.toml").read_text(encoding="utf-8")
    text = text.replace('folder = "assets/config/reference"', f'folder = "{ref}"')
    config = tmp_path / "cbec.toml"
    config.write_text(text, encoding="utf-8")
    return config, ref


def test_the_shipped_configuration_loads_with_its_reference_data():
    config = load_config(SHIPPED / "cbec.toml")
    assert [s.code for s in config.sites] == ["meishan", "bsq", "lishe", "hzw"]
    assert len([w for w in config.warehouses if w.site == "bsq"]) == 23
    assert config.district_code == "3100"
    registry.check(config)


def test_a_broker_back_from_an_outage_is_tried_again_within_seconds_not_a_minute(monkeypatch, tmp_path):
    from core.runtime import Runtime

    monkeypatch.setenv("CBEC_ENABLE_COLLECTORS", "ceb_broker")
    monkeypatch.setenv("CBEC_DB", str(tmp_path / "backoff.duckdb"))
    cfg = load_config()
    assert {c.name: c.backoff_max_seconds for c in cfg.collectors}["ceb_broker"] == 5
    runtime = Runtime(cfg)
    try:
        _, schedule = runtime.runner._sources["ceb_broker"]
        assert schedule.backoff_max_s == 5
        assert runtime.runner._sources["simulator"][1].backoff_max_s == 60
    finally:
        runtime.store.close()


def test_a_district_code_that_is_not_a_customs_code_is_refused(tmp_path):
    config, _ = _copy(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace('code = "3100"', 'code = "ningbo"', 1))
    with pytest.raises(ConfigError, match="district.code: a district code"):
        load_config(config)


def test_an_unknown_key_in_a_reference_file_is_named_with_its_file(tmp_path):
    config, ref = _copy(tmp_path)
    path = ref / "warehouses.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("automated = false", "automatic = false", 1))
    with pytest.raises(ConfigError, match=r"warehouses\.toml.*unknown key 'automatic'"):
        load_config(config)


def test_an_unknown_section_is_named(tmp_path):
    config, _ = _copy(tmp_path)
    config.write_text(config.read_text(encoding="utf-8") + "\n[sites]\ncode = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cbec\.toml: unknown key 'sites'"):
        load_config(config)


def test_a_missing_option_of_a_collector_is_named(tmp_path):
    config, _ = _copy(tmp_path)
    text = config.read_text(encoding="utf-8").replace('url = "http://wms.example.internal/api/occupancy"\n', "")
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wms_occupancy: missing key 'url'"):
        registry.check(load_config(config))


@pytest.mark.parametrize("sample", sorted((ROOT / "collectors").glob("*/sample.toml")), ids=lambda p: p.parent.name)
def test_each_collector_kind_ships_a_sample_its_options_accept(sample):
    tables = tomllib.loads(sample.read_text(encoding="utf-8"))["collector"]
    assert tables
    for t in tables:
        extra = {k: v for k, v in t.items() if k not in ("name", "kind", "interval_seconds", "timeout_seconds",
                                                         "stale_after_seconds", "enabled")}  # fmt: skip
        options(registry.KINDS[t["kind"]][0], extra, str(sample))
