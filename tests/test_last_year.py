"""Last year's simulated history: the published 2018 figures, not this year scaled."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from base.config import ROOT, ConfigError, load_config
from collectors.simulator import model
from collectors.simulator.generator import Generator
from collectors.simulator.source import SimulatorSource, simulate_batch

LAST_YEAR = date(2018, 11, 11)
NOW = datetime(2019, 11, 11, 0, 30)


class RecordingSink:
    def __init__(self):
        self.batches = []

    def write(self, batch):
        self.batches.append(batch)


@pytest.fixture(scope="module")
def history(config):
    """The release_minute rows a live start at 00:30 on 2019-11-11 back-fills, by day."""
    cfg = replace(config, simulator=replace(config.simulator, history_days=0))
    src = SimulatorSource("sim", cfg, clock=lambda: NOW)
    sink = RecordingSink()
    for _ in range(200):
        src.collect(sink)
        if not src.history_loading:
            break
    assert not src.history_loading
    days: dict[date, list[dict]] = defaultdict(list)
    for b in sink.batches:
        if b.kind == "release_minute":
            days[b.span[0].date()] += b.table.to_pylist()
    return days


def totals(rows: list[dict], before: datetime | None = None, site: str | None = None) -> tuple[int, float]:
    """Released lists and their value in CNY, of the rows before a time and of one site."""
    rows = [r for r in rows if (before is None or r["minute"] < before) and (site is None or r["site_code"] == site)]
    return sum(r["released_lists"] for r in rows), sum(r["goods_value_fen"] for r in rows) / 100


def test_last_years_double_11_is_the_published_night(history):
    lists, value = totals(history[LAST_YEAR])
    # 7.73 million lists, over 1.4 billion yuan: about 181 CNY a list against 2019's 211
    assert lists == pytest.approx(7_730_000, rel=0.003)
    assert value > 1_400_000_000
    assert value / lists == pytest.approx(181, abs=2)
    assert totals(history[LAST_YEAR], site="bsq")[0] / lists == pytest.approx(0.74, abs=0.01)
    assert totals(history[LAST_YEAR], site="hzw")[0] / lists == pytest.approx(0.23, abs=0.01)


def test_lists_value_and_sites_grow_by_different_rates(history):
    def growth(site=None):
        now = totals(history[NOW.date()], site=site)
        then = totals(history[LAST_YEAR], datetime(2018, 11, 11, 0, 30), site=site)
        return now[0] / then[0] - 1, now[1] / then[1] - 1

    lists, value = growth()
    assert lists > 0 and value - lists > 0.1
    assert abs(growth("meishan")[0] - growth("lishe")[0]) > 0.3


def test_last_years_night_has_its_own_curve(history):
    by_0130 = totals(history[LAST_YEAR], datetime(2018, 11, 11, 1, 30))[0] / totals(history[LAST_YEAR])[0]
    this_year = model.expected_released_share("promotion", 1.5) / model.expected_released_share("promotion", 24.0)
    # a slower first hours than this year's
    assert this_year - by_0130 > 0.03


def test_last_years_ordinary_days_add_up_to_the_published_year(history, config):
    sim = config.simulator
    promotion = len(sim.promotion_days)
    for d in (date(2018, 11, 10), date(2018, 11, 12)):
        lists, value = totals(history[d])
        year_lists = lists * (365 - promotion) + promotion * 7_730_000
        year_value = value * (365 - promotion) + promotion * 1_400_000_000
        assert year_lists == pytest.approx(84_780_000, rel=0.03)
        assert year_value == pytest.approx(14_370_000_000, rel=0.03)


def test_last_years_aggregates_carry_each_sites_trade_mode(history):
    modes = {(r["site_code"], r["trade_mode"]) for r in history[LAST_YEAR]}
    assert modes == {("bsq", "1210"), ("hzw", "1210"), ("meishan", "1210"), ("lishe", "9610")}


def test_a_batch_of_2018_is_drawn_to_last_years_figures(config):
    sink = RecordingSink()
    simulate_batch(config, sink, LAST_YEAR, datetime(2018, 11, 11, 0, 3))
    declared = sum(len(b) for b in sink.batches if b.kind == "declaration")
    gen = Generator(config, config.simulator.seed)
    assert declared == gen.minute_counts(gen.plan(LAST_YEAR, "promotion", last_year=True))[:3].sum()
    assert declared < gen.minute_counts(gen.plan(LAST_YEAR, "promotion"))[:3].sum()


def configured(tmp_path: Path, changes: dict[str, str]) -> Path:
    """A copy of the shipped configuration file with lines replaced."""
    text = (ROOT / "assets/config/cbec.toml").read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "cbec.toml"
    path.write_text(text, encoding="utf-8")
    return path


SITE_SHARE = "last_year_site_share = { bsq = 0.74, hzw = 0.23, meishan = 0.015, lishe = 0.015 }"


def test_last_years_figures_come_from_the_configuration_file(tmp_path, config):
    changed = load_config(
        configured(
            tmp_path,
            {
                "last_year_promotion_lists = 7730000": "last_year_promotion_lists = 5000000",
                SITE_SHARE: "last_year_site_share = { bsq = 0.5, hzw = 0.5 }",
            },
        )
    )
    before, after = Generator(config, 1), Generator(changed, 1)
    ly = before.plan(LAST_YEAR, "promotion", last_year=True)
    ly_changed = after.plan(LAST_YEAR, "promotion", last_year=True)
    assert ly_changed.declared_lists == pytest.approx(ly.declared_lists * 5_000_000 / 7_730_000)
    # the same day's value over fewer lists: more a list
    assert ly_changed.mean_list_value_cny > ly.mean_list_value_cny
    lists, _ = after.minutes(ly_changed, 0, 5)
    sites = [s.code for s in changed.sites]
    assert (lists.site == sites.index("bsq")).mean() == pytest.approx(0.5, abs=0.02)
    assert not (lists.site == sites.index("lishe")).any()
    # this year is untouched
    assert after.plan(LAST_YEAR, "promotion") == before.plan(LAST_YEAR, "promotion")


@pytest.mark.parametrize(
    "share, problem",
    [
        ("{ bsq = 0.74, hzw = 0.23, airport = 0.03 }", "unknown key 'airport'"),
        ("{ bsq = 0.74, hzw = 0.23 }", "add up to 1"),
        ('{ bsq = "most", hzw = 0.26 }', "a number for each site"),
    ],
)
def test_last_years_site_shares_are_checked(tmp_path, share, problem):
    path = configured(tmp_path, {SITE_SHARE: f"last_year_site_share = {share}"})
    with pytest.raises(ConfigError, match=problem):
        load_config(path)


def test_last_years_promotion_days_must_fit_in_its_year(tmp_path):
    path = configured(tmp_path, {"last_year_total_lists = 84780000": "last_year_total_lists = 10000000"})
    with pytest.raises(ConfigError, match="last_year_total"):
        load_config(path)
