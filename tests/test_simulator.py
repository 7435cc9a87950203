from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest
from conftest import PROMO_DAY, PROMO_UNTIL

from collectors.records import make_batch
from collectors.simulator import model, samples
from collectors.simulator.flows import PARCEL_M2, SORTER_PARCELS_PER_HOUR, Flows, level
from collectors.simulator.generator import US, Generator, to_us
from collectors.simulator.source import Faults, SimulatorSource, day_kind, simulate_batch
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
    # the sites' own measures are back-filled beside them, last year's same day included
    measured = {b.span[0].date() for b in sink.batches if b.kind == "site_measure"}
    assert {date(2019, 11, 11), date(2018, 11, 11), date(2019, 11, 9)} <= measured


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
    from core.runtime import Runtime

    rt = Runtime(config, db_path=tmp_path / "b.duckdb", with_collectors=False)
    until = datetime(2019, 11, 12, 3, 1)
    totals = simulate_batch(config, rt.sink, date(2019, 11, 12), until)
    con = rt.store.cursor()
    latest = con.execute("SELECT max(return_time), max(app_time) FROM receipt, inventory_list").fetchall()[0]
    assert totals["declarations"] > 0 and all(t < until for t in latest)
    rt.stop()


def test_batch_chunks_split_the_peak_and_do_not_change_the_night(config, tmp_path):
    from collectors.simulator.source import chunk_spans
    from core.runtime import Runtime

    counts = np.array([5, 0, 9, 1, 1, 1, 20, 2])
    spans = chunk_spans(counts, 6)
    assert spans == [(0, 2), (2, 3), (3, 6), (6, 7), (7, 8)]  # a busy minute alone may exceed the size
    assert chunk_spans(np.array([], int), 6) == []

    until = datetime(2019, 11, 11, 0, 4)
    q = (
        "SELECT (SELECT count(*) FROM inventory_list), (SELECT count(*) FROM receipt), "
        "(SELECT sum(released_lists) FROM release_minute), (SELECT sum(goods_value_fen) FROM release_minute), "
        "(SELECT count(*) FROM tax_receipt), (SELECT sum(tax_assessed) FROM adjustment_minute), "
        "(SELECT count(*) FROM request_receipt)"
    )
    got, totals = [], []
    for n, per_chunk in enumerate((1_000_000, 30_000)):  # small chunks' tax tables are gathered into one batch
        rt = Runtime(config, db_path=tmp_path / f"c{n}.duckdb", with_collectors=False)
        totals.append(simulate_batch(config, rt.sink, until.date(), until, lists_per_chunk=per_chunk))
        got.append(rt.store.cursor().execute(q).fetchall())
        rt.stop()
    assert got[0] == got[1] and totals[0] == totals[1]
    assert got[0][0][2] > 0 and got[0][0][4] == totals[0]["tax"] > 0 and got[0][0][6] > 0


def test_a_dictionary_encoded_column_stays_so_and_its_gaps_are_still_refused():
    from collectors.records import RecordError

    codes = pa.array(["SIMEBC0001", "SIMEBC0002"])
    row = {
        "cop_no": ["CP1", "CP2", "CP3"],
        "invt_no": [None, "I2", "I3"],
        "customs_code": ["3105", "3105", "3105"],
        "ebp_code": ["P", "P", "P"],
        "return_status": [2, 120, 120],
        "return_time": [datetime(2019, 11, 11)] * 3,
        "return_info": [None] * 3,
    }
    ebc = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int8()), codes)
    table = make_batch("receipt", {"ebc_code": ebc, **row}, "test").table
    assert pa.types.is_dictionary(table["ebc_code"].type) and table["ebc_code"].to_pylist()[1] == "SIMEBC0002"
    gap = pa.DictionaryArray.from_arrays(pa.array([0, None, 0], pa.int8()), codes)
    with pytest.raises(RecordError, match="ebc_code: 1 record"):
        make_batch("receipt", {"ebc_code": gap, **row}, "test")


def test_live_start_with_history_equals_the_batch_night_minute_by_minute(config, tmp_path):
    """Today's history (aggregates before the start) and the live records after it
    give the same minutes as the batch simulation of the same window: lists whose
    release was still to come at the start go on live, with their value."""
    from core.runtime import Runtime

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
    # tax, cancellations and returns before the start: history's rollup, by the store's rules on the batch's records
    q = (
        "SELECT minute, site_code, platform_code, trade_mode, cancelled_lists, cancelled_value_fen, "
        "returned_value, tax_assessed, tax_voided FROM adjustment_minute "
        "WHERE minute >= '2019-11-12' AND minute < '2019-11-12 02:40' ORDER BY ALL"
    )
    got, want = live.store.cursor().execute(q).fetchall(), batch.store.cursor().execute(q).fetchall()
    assert sum(r[4] for r in want) > 10 and all(sum(r[i] for r in want) > 0 for i in (6, 7, 8))
    assert got == want
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


def _paths(config, knobs) -> tuple[float, float]:
    """Shares of lists sent to manual review, and of receipts that report an error."""
    g = Generator(config, 5, knobs)
    lists, r = g.minutes(g.plan(PROMO_DAY, "promotion"), 0, 2)
    errors = np.isin(r.status, (4, 100)) | (r.status < 0)
    return len(np.unique(r.idx[r.status == 300])) / len(lists.seq), errors.mean()


def test_review_backlog_and_error_receipt_switches_change_what_is_drawn(config):
    from collectors.simulator.generator import Knobs

    review, errors = _paths(config, Knobs())
    backlog_review, _ = _paths(config, Knobs(review_backlog=True))
    _, surge_errors = _paths(config, Knobs(error_receipts=True))
    assert backlog_review > 2.5 * review
    # a normal night stays far below the error-receipt rule's 5 %; the surge above it
    assert errors < 0.01 and surge_errors > 0.05


def test_no_manual_review_waits_past_the_desk_limit_on_a_normal_night(config):
    g = Generator(config, 3)
    lists, r = g.minutes(g.plan(PROMO_DAY, "promotion"), 0, 30)
    t300 = dict(zip(r.idx[r.status == 300].tolist(), r.time_us[r.status == 300].tolist()))
    waits = [
        t - t300[i] for i, s, t in zip(r.idx.tolist(), r.status.tolist(), r.time_us.tolist()) if s == 800 and i in t300
    ]
    assert len(waits) > 1000
    assert max(waits) <= model.MANUAL_CAP * 1e6 and np.median(waits) < 1.5 * 3600 * 1e6


def _live(config, start: datetime):
    """A live simulator of an ordinary day on a clock the test moves."""
    wall = {"now": start}
    ordinary = replace(config, simulator=replace(config.simulator, live_day_kind="ordinary"))
    src = SimulatorSource("sim", ordinary, mode="live", clock=lambda: wall["now"], backfill=False)
    return src, wall


def _receipts(sink) -> list[tuple[str, int, datetime]]:
    return [
        (c, s, t)
        for b in sink.batches
        if b.kind == "receipt"
        for c, s, t in zip(
            b.table["cop_no"].to_pylist(), b.table["return_status"].to_pylist(), b.table["return_time"].to_pylist()
        )
    ]


def test_held_receipts_arrive_late_with_the_times_customs_gave_them(config):
    src, wall = _live(config, datetime(2026, 11, 26, 10, 0, 0))
    src.faults.receipts_held = True
    sink = RecordingSink()
    for _ in range(5):
        wall["now"] += timedelta(seconds=30)
        src.collect(sink)
    assert not _receipts(sink), "a held exchange delivers no receipt"
    declared = sum(b.table.num_rows for b in sink.batches if b.kind == "declaration")
    assert declared > 100
    src.faults.receipts_held = False
    wall["now"] += timedelta(seconds=1)
    src.collect(sink)
    got = _receipts(sink)
    released = [t for _, s, t in got if s == 800]
    assert len(released) > 0.8 * declared
    # delivered now, stamped when customs decided: within the held minutes
    assert min(released) < datetime(2026, 11, 26, 10, 1)


def test_a_review_backlog_holds_decisions_until_it_clears(config):
    src, wall = _live(config, datetime(2026, 11, 26, 10, 0, 0))
    src.faults.review_backlog = True
    sink = RecordingSink()
    for _ in range(4 * 60):  # four hours with nobody at the review desk
        wall["now"] += timedelta(minutes=1)
        src.collect(sink)
    got = _receipts(sink)
    entered = {c: t for c, s, t in got if s == 300}
    decided = {c for c, s, _ in got if s == 800}
    assert len(entered) > 100 and not entered.keys() & decided
    src.faults.review_backlog = False
    cleared_at = wall["now"]
    for _ in range(10):
        wall["now"] += timedelta(minutes=1)
        src.collect(sink)
    after = {c: t for c, s, t in _receipts(sink)[len(got) :] if s == 800}
    # every list that would have been decided meanwhile is decided within minutes, from now on
    overdue = {c for c, t in entered.items() if t < cleared_at - timedelta(seconds=model.MANUAL_CAP)}
    assert len(overdue) > 50 and overdue <= after.keys()
    assert all(after[c] >= cleared_at for c in overdue)


def test_bad_messages_write_broken_files_beside_good_ones(config, tmp_path):
    src, wall = _live(config, datetime(2026, 11, 26, 10, 0, 0))
    src.xml_inbox = tmp_path
    src.faults.bad_messages = True
    for _ in range(3):
        src.collect(RecordingSink())
        wall["now"] += timedelta(seconds=20)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.startswith("CEB621_") for n in names)
    assert {n.split("_")[2] for n in names if n.startswith("CEB_bad_")} == {"truncated", "unknown", "entities"}


@pytest.mark.parametrize(
    ("switches", "problem"),
    [
        ({"receipts_held": "yes"}, "receipts_held takes true or false"),
        ({"warehouse_full": 3}, "warehouse_full takes a code as text or null"),
        ({"warehouse_full": "NOPE"}, "no warehouse or site 'NOPE'"),
        ({"bad_messages": True}, "needs the simulator to write CEB XML"),
    ],
)
def test_fault_switches_refuse_values_they_cannot_take(config, switches, problem):
    src = SimulatorSource("sim", config, backfill=False)
    assert problem in src.fault_problem(switches)
    assert src.fault_problem({"warehouse_full": "BSQ-W01", "error_receipts": True}) is None


def test_a_replayed_night_sets_the_screens_clock(tmp_path, config, monkeypatch):
    from core.runtime import Runtime

    monkeypatch.setenv("CBEC_SIM_MODE", "replay")
    monkeypatch.setenv("CBEC_SIM_DAY", "2019-11-11")
    rt = Runtime(config, db_path=tmp_path / "replay.duckdb")
    try:
        now = rt.clock()
        assert now.date().isoformat() == "2019-11-11" and now.hour == 0
    finally:
        rt.stop()


class FullDiskSink(RecordingSink):
    """Refuses every write while `full`, as a store on a full disk does."""

    def __init__(self):
        super().__init__()
        self.full = False

    def write(self, batch):
        if self.full and batch.kind in ("declaration", "receipt"):
            raise OSError(28, "No space left on device")
        return super().write(batch)


def test_records_refused_by_a_full_disk_are_sent_again_and_count_once(config):
    def run(fail_between: tuple[int, int]) -> list[tuple]:
        src, wall = _live(config, datetime(2026, 11, 26, 10, 0, 0))
        sink = FullDiskSink()
        for tick in range(12):
            wall["now"] += timedelta(seconds=20)
            sink.full = fail_between[0] <= tick < fail_between[1]
            try:
                src.collect(sink)
            except OSError:
                assert sink.full
        keys = [(b.kind, r) for b in sink.batches if b.kind in ("declaration", "receipt")
                for r in zip(*[b.table[c].to_pylist() for c in b.table.column_names[:3]])]  # fmt: skip
        return sorted(keys, key=repr)

    clean, broken = run((99, 99)), run((3, 7))
    assert len(clean) > 1000 and broken == clean, "a full disk lost or doubled records"


# -- the parcels' flows, occupancy and the sites' own measures ------------------------------
def flows(config, seed=None, scale=1.0) -> Flows:
    """The simulator's flows; `scale` multiplies every day's lists."""
    gen = Generator(config, config.simulator.seed if seed is None else seed)

    def plan_for(d: date) -> model.DayPlan:
        plan = gen.plan(d, day_kind(config, d), d.year < 2019)
        return replace(plan, declared_lists=plan.declared_lists * scale)

    return Flows(config, gen, plan_for)


def minutes_of(day: date) -> np.ndarray:
    start = to_us(datetime.combine(day, datetime.min.time()))
    return np.arange(start, start + 86400 * US, 60 * US, dtype=np.int64)


def by_measure(table) -> dict[tuple[str, str], np.ndarray]:
    df = table.to_pandas()
    return {k: g.sort_values("sampled_at")["value"].to_numpy() for k, g in df.groupby(["site_code", "measure"])}


def test_site_measures_are_realistic_and_the_same_for_a_seed(config):
    night = minutes_of(PROMO_DAY)
    table = flows(config).measures(night)
    assert table.equals(flows(config).measures(night))
    assert not table.equals(flows(config, seed=7).measures(night))
    make_batch("site_measure", table, "sim")  # every value passes the record's checks
    m = by_measure(table)
    # 梅山 (2% of the volume): hundreds to a few thousand parcels shelved an hour
    assert 300 < m[("meishan", "shelved_parcels_per_hour")].mean() < 10_000
    assert 0.85 < m[("meishan", "delivered_48h_ratio")].min() <= m[("meishan", "delivered_48h_ratio")].max() < 0.99
    # 栎社: a handful of cargo flights a night, each with thousands of waybills; counted from 18:00
    flights, waybills = m[("lishe", "flights_landed_count")], m[("lishe", "air_waybills_count")]
    assert 6 <= flights[18 * 60 - 1] <= 12 and flights[18 * 60] == 0 and waybills[18 * 60] == 0
    assert (np.diff(flights[: 18 * 60]) >= 0).all() and (np.diff(waybills[: 18 * 60]) >= 0).all()
    assert 1_000 < waybills[18 * 60 - 1] / flights[18 * 60 - 1] < 20_000
    # 杭州湾新区: half an hour to an hour in the warehouse; the sorters never beyond their capacity
    assert 30 < m[("hzw", "in_warehouse_minutes")].mean() < 60
    sorter = m[("hzw", "sorter_parcels_per_hour")]
    assert sorter.max() == pytest.approx(SORTER_PARCELS_PER_HOUR) and sorter.min() > 0


def test_hzw_in_warehouse_time_is_a_fifth_shorter_than_last_year(config):
    f = flows(config)
    today = by_measure(f.measures(minutes_of(PROMO_DAY)))[("hzw", "in_warehouse_minutes")]
    last_year = by_measure(f.measures(minutes_of(date(2018, 11, 11))))[("hzw", "in_warehouse_minutes")]
    assert today.mean() / last_year.mean() == pytest.approx(1 - config.simulator.in_warehouse_time_cut, abs=0.03)
    assert config.simulator.in_warehouse_time_cut == 0.2  # the founding document's "down 20%"


def test_occupancy_rises_with_what_is_shelved_and_falls_with_what_leaves(config):
    f = flows(config)
    day = f.day(PROMO_DAY)
    # each minute's change of used area is what was shelved minus what left
    assert np.allclose(np.diff(day.used_m2, axis=1), (day.shelved - day.released) * PARCEL_M2)
    # the rush after midnight ships out more than the night crew shelves; the day shift refills:
    # over every half hour of the busiest warehouse, the level rises exactly when more came in
    busiest = int(np.argmax(day.released.sum(axis=1)))
    assert day.used_m2[busiest, 120] < day.used_m2[busiest, 0]
    net = (day.shelved[busiest] - day.released[busiest]).reshape(48, 30).sum(axis=1)
    rose = day.used_m2[busiest, 30::30] > day.used_m2[busiest, :-30:30]
    assert (rose == (net > 0)).all() and rose.any() and not rose.all()
    # what the source samples: a night with twice the parcels leaves every warehouse emptier by evening
    evening = np.array([to_us(datetime(2019, 11, 11, 20, 0))])
    none = samples.SampleFaults()
    usual = samples.occupancy(config, f, evening, none)["occupancy_ratio"].to_numpy()
    busier = samples.occupancy(config, flows(config, scale=2.0), evening, none)["occupancy_ratio"].to_numpy()
    assert (busier < usual).all()


def test_occupancy_stays_between_empty_and_full():
    area = np.array([100.0, 100.0])
    used = level(np.array([90.0, 10.0]), np.array([[30.0, 0.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [25.0, 0.0]]), area)
    assert used.tolist() == [[90.0, 100.0, 100.0], [10.0, 0.0, 0.0]]


def test_live_mode_writes_each_sites_measures_once_a_minute(config):
    clock = {"now": datetime(2019, 11, 11, 1, 0, 30)}
    src = SimulatorSource("sim", config, clock=lambda: clock["now"], backfill=False)
    sink = RecordingSink()
    src.collect(sink)
    for _ in range(4):
        clock["now"] += timedelta(seconds=45)
        src.collect(sink)
    written = [r for b in sink.batches if b.kind == "site_measure" for r in b.table.to_pylist()]
    assert sorted({r["sampled_at"] for r in written}) == [datetime(2019, 11, 11, 1, m) for m in (1, 2, 3)]
    minutes = flows(config).measures(np.array([to_us(datetime(2019, 11, 11, 1, 2))])).to_pylist()
    assert [r for r in written if r["sampled_at"] == datetime(2019, 11, 11, 1, 2)] == minutes
