from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from conftest import PROMO_DAY, PROMO_UNTIL

from collectors.simulator import model
from collectors.simulator.generator import Generator
from collectors.simulator.source import Faults, SimulatorSource, simulate_batch
from queries import read


def test_first_five_minutes_of_double_11_match_the_calibrated_curve(promo_db, config):
    from queries.store import Store

    s = Store(promo_db, read_only=True)
    got = read.release_totals(s.cursor(), datetime(2019, 11, 11), PROMO_UNTIL)
    sites = {
        x.site_code: x.released_lists for x in read.release_by_site(s.cursor(), datetime(2019, 11, 11), PROMO_UNTIL)
    }
    s.close()
    day_lists = model.promotion_day_lists(config.simulator.promotion_released_by_14h)
    expected = day_lists * model.expected_released_share("promotion", 5 / 60)
    assert got.released_lists == pytest.approx(expected, rel=0.01)
    # about 211 CNY a list, as on the real night
    assert got.goods_value_fen / got.released_lists / 100 == pytest.approx(211.4, rel=0.02)
    assert sites["bsq"] / got.released_lists == pytest.approx(0.74, abs=0.01)
    assert sites["hzw"] / got.released_lists == pytest.approx(0.23, abs=0.01)


def test_the_14_hour_window_is_calibrated_in_expectation(config):
    share = model.expected_released_share("promotion", 14.0)
    released = model.promotion_day_lists(config.simulator.promotion_released_by_14h) * share
    assert released == pytest.approx(6_311_000, rel=1e-9)
    # front-loaded: more than a third of the 14-hour releases in the first hour
    assert model.expected_released_share("promotion", 1.0) / share > 0.35


def test_same_seed_same_night_whatever_the_chunking(config):
    g = Generator(config, 42)
    plan = g.plan(PROMO_DAY, "promotion")
    whole, whole_r = g.minutes(plan, 0, 3)
    parts = [g.minutes(plan, m, m + 1) for m in range(3)]
    assert np.array_equal(whole.value_fen, np.concatenate([p[0].value_fen for p in parts]))
    assert np.array_equal(whole.seq, np.concatenate([p[0].seq for p in parts]))
    assert len(whole_r.status) == sum(len(p[1].status) for p in parts)
    other = Generator(config, 43).minutes(plan, 0, 1)[0]
    assert not np.array_equal(other.value_fen[:100], parts[0][0].value_fen[:100])


def test_status_paths_are_the_real_ones(config):
    g = Generator(config, 1)
    lists, receipts = g.minutes(g.plan(PROMO_DAY, "promotion"), 0, 2)
    by_list: dict[int, list[int]] = {}
    order = np.lexsort((receipts.status, receipts.time_us, receipts.idx))
    for i, s in zip(receipts.idx[order], receipts.status[order]):
        by_list.setdefault(int(i), []).append(int(s))
    paths = {tuple(v) for v in by_list.values()}
    assert (2, 120, 800, 899) in paths
    assert (2, 120, 300, 800, 899) in paths
    assert (2, 120, 500, 800, 899) in paths
    assert (2, 120, 100) in paths
    assert (2, 4, 2, 120, 800, 899) in paths
    assert (2, -1) in paths
    # every list is released at most once
    assert all(v.count(800) <= 1 for v in by_list.values())
    happy = sum(1 for v in by_list.values() if tuple(v) == (2, 120, 800, 899))
    assert happy / len(by_list) > 0.9


class RecordingSink:
    def __init__(self):
        self.batches = []

    def write(self, batch):
        self.batches.append(batch)
        from collectors.sinks import WriteResult

        return WriteResult(batch.kind, len(batch), len(batch), 0)

    def rows(self, kind):
        return sum(len(b) for b in self.batches if b.kind == kind)


def test_live_mode_emits_records_as_their_times_pass(config):
    clock = {"now": datetime(2019, 11, 11, 1, 0, 30)}
    src = SimulatorSource("sim", config, clock=lambda: clock["now"], backfill=False)
    sink = RecordingSink()
    first = src.collect(sink)
    assert first.records > 0
    declared = [b.table["app_time"].to_pylist() for b in sink.batches if b.kind == "declaration"]
    assert max(max(t) for t in declared) <= clock["now"]
    n_decl = sink.rows("declaration")
    clock["now"] += timedelta(seconds=5)
    second = src.collect(sink)
    assert second.records > 0 and sink.rows("declaration") > n_decl
    receipts = [t for b in sink.batches if b.kind == "receipt" for t in b.table["return_time"].to_pylist()]
    assert max(receipts) <= clock["now"]
    src.faults.source_stopped = True
    clock["now"] += timedelta(seconds=5)
    assert src.collect(sink).records == 0


def test_live_mode_back_fills_today_last_year_and_history_as_aggregates(config):
    clock = {"now": datetime(2019, 11, 11, 0, 40, 0)}
    cfg = replace(config, simulator=replace(config.simulator, history_days=2))
    src = SimulatorSource("sim", cfg, clock=lambda: clock["now"])
    sink = RecordingSink()
    for _ in range(400):
        src.collect(sink)
        if not src.history_loading:
            break
    assert not src.history_loading
    spans = {b.span[0].date() for b in sink.batches if b.kind == "release_minute"}
    assert date(2019, 11, 11) in spans and date(2018, 11, 11) in spans
    assert date(2019, 11, 9) in spans
    # today's aggregates stop where live records start
    today = [b for b in sink.batches if b.kind == "release_minute" and b.span[0].date() == date(2019, 11, 11)]
    assert max(m for b in today for m in b.table["minute"].to_pylist()) < datetime(2019, 11, 11, 0, 40)


def test_faults_push_samples_out_of_range(config):
    clock = {"now": datetime(2019, 11, 11, 1, 0, 0)}
    src = SimulatorSource(
        "sim",
        config,
        clock=lambda: clock["now"],
        backfill=False,
        faults=Faults(link_saturated=True, warehouse_full="BSQ-W01"),
    )
    sink = RecordingSink()
    src.collect(sink)
    clock["now"] += timedelta(seconds=30)
    src.collect(sink)
    occ = [b.table for b in sink.batches if b.kind == "occupancy"][-1].to_pylist()
    assert {r["occupancy_ratio"] for r in occ if r["warehouse_code"] == "BSQ-W01"} == {0.97}
    health = [b.table for b in sink.batches if b.kind == "health"][-1].to_pylist()
    util = [r["value"] for r in health if r["metric"] == "utilization_ratio"]
    assert min(util) > 0.94


def test_batch_window_stops_at_until(config, tmp_path):
    from collectors.runtime import Runtime

    rt = Runtime(config, db_path=tmp_path / "b.duckdb", with_collectors=False)
    until = datetime(2019, 11, 12, 3, 1)
    totals = simulate_batch(config, rt.sink, date(2019, 11, 12), until)
    con = rt.store.cursor()
    latest = con.execute("SELECT max(return_time), max(app_time) FROM receipt, inventory_list").fetchall()[0]
    assert totals["declarations"] > 0 and all(t < until for t in latest)
    rt.stop()


def test_live_start_with_history_equals_the_batch_night_minute_by_minute(config, tmp_path):
    """Today's history (aggregates before the start) and the live records after it
    give the same minutes as the batch simulation of the same window: lists whose
    release was still to come at the start go on live, with their value."""
    from collectors.runtime import Runtime

    start, stop = datetime(2019, 11, 12, 2, 40, 30), datetime(2019, 11, 12, 2, 43)
    cfg = replace(config, simulator=replace(config.simulator, history_days=0, live_day_kind="ordinary"))
    live = Runtime(cfg, db_path=tmp_path / "live.duckdb", with_collectors=False)
    clock = {"now": start}
    src = SimulatorSource("sim", cfg, clock=lambda: clock["now"])
    while clock["now"] <= stop:
        src.collect(live.sink)
        clock["now"] += timedelta(seconds=1)
    batch = Runtime(cfg, db_path=tmp_path / "batch.duckdb", with_collectors=False)
    simulate_batch(cfg, batch.sink, stop.date(), stop)
    q = (
        "SELECT minute, site_code, platform_code, released_lists, valued_lists, goods_value_fen "
        "FROM release_minute WHERE minute >= '2019-11-12' AND minute < '2019-11-12 02:42' ORDER BY ALL"
    )
    got, want = live.store.cursor().execute(q).fetchall(), batch.store.cursor().execute(q).fetchall()
    assert len(want) > 100 and got == want
    live.stop()
    batch.stop()


def test_replay_plays_a_chosen_day_at_a_speed_factor(config):
    wall = {"now": datetime(2026, 11, 26, 20, 0, 0)}
    src = SimulatorSource(
        "sim", config, mode="replay", replay_day=date(2019, 11, 11), speed=60, clock=lambda: wall["now"], backfill=False
    )
    sink = RecordingSink()
    src.collect(sink)
    wall["now"] += timedelta(seconds=10)  # ten wall seconds are ten minutes of the night
    src.collect(sink)
    times = [t for b in sink.batches if b.kind == "declaration" for t in b.table["app_time"].to_pylist()]
    assert min(times) >= datetime(2019, 11, 11) and max(times) <= datetime(2019, 11, 11, 0, 10)
    assert max(times) > datetime(2019, 11, 11, 0, 9)


def test_review_backlog_fault_sends_more_lists_to_manual_review_for_longer(config):
    from collectors.simulator.generator import Knobs

    plan_day = PROMO_DAY

    def manual(knobs):
        g = Generator(config, 5, knobs)
        lists, r = g.minutes(g.plan(plan_day, "promotion"), 0, 2)
        reviewed = np.unique(r.idx[r.status == 300])
        t300 = {i: t for i, s, t in zip(r.idx, r.status, r.time_us) if s == 300}
        delays = [t - t300[i] for i, s, t in zip(r.idx, r.status, r.time_us) if s == 800 and i in t300]
        return len(reviewed) / len(lists.seq), np.median(delays)

    share, delay = manual(Knobs())
    backlog_share, backlog_delay = manual(Knobs(review_backlog=True))
    assert backlog_share > 2 * share and backlog_delay > 3 * delay


def test_a_replayed_night_sets_the_screens_clock(tmp_path, config, monkeypatch):
    from collectors.runtime import Runtime

    monkeypatch.setenv("CBEC_SIM_MODE", "replay")
    monkeypatch.setenv("CBEC_SIM_DAY", "2019-11-11")
    rt = Runtime(config, db_path=tmp_path / "replay.duckdb")
    try:
        now = rt.clock()
        assert now.date().isoformat() == "2019-11-11" and now.hour == 0
    finally:
        rt.stop()
