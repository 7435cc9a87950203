"""The simulator emits every message family beside the lists: tax receipts and
their voiding, cancellations and returns of released lists with their
receipts, and format rejects; in batch, live and CEB XML modes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from lxml import etree

from collectors.simulator.source import SimulatorSource, simulate_batch
from collectors.simulator.xml_out import XmlFileSink

DAY = date(2019, 11, 12)
UNTIL = datetime(2019, 11, 12, 6, 0)
FAMILIES = ("tax", "tax_status", "request", "request_receipt", "format_reject")
CEB = "http://www.chinaport.gov.cn/ceb"


class RecordingSink:
    def __init__(self):
        self.batches = []

    def write(self, batch):
        from collectors.sinks import WriteResult

        self.batches.append(batch)
        return WriteResult(batch.kind, len(batch), len(batch), 0)

    def rows(self, kind: str) -> list[dict]:
        return [r for b in self.batches if b.kind == kind for r in b.table.to_pylist()]


def _with(config, **rates):
    return replace(config, simulator=replace(config.simulator, **rates))


def _night(config, seed: int = 7) -> RecordingSink:
    sink = RecordingSink()
    simulate_batch(config, sink, DAY, UNTIL, seed=seed, kind="ordinary")
    return sink


@pytest.fixture(scope="module")
def night(config):
    return _night(config)


def _lists_by_invt(sink) -> dict[str, dict]:
    """Each list by the number customs gave it (its receipts carry it from 120 on)."""
    decl = {(d["ebc_code"], d["cop_no"]): d for d in sink.rows("declaration")}
    return {r["invt_no"]: decl[(r["ebc_code"], r["cop_no"])] for r in sink.rows("receipt") if r["invt_no"]}


def _released(sink) -> dict[str, datetime]:
    return {r["invt_no"]: r["return_time"] for r in sink.rows("receipt") if r["return_status"] == 800}


def test_every_family_appears_in_a_batch_window(night):
    for kind in FAMILIES:
        assert night.rows(kind), f"no {kind} in six simulated hours"
    requests = night.rows("request")
    assert {r["family"] for r in requests} == {"cancel", "refund"}
    statuses = {(r["family"], r["return_status"]) for r in night.rows("request_receipt")}
    assert {("cancel", 2), ("cancel", 120), ("cancel", 399), ("refund", 120)} <= statuses
    assert {r["status"] for r in night.rows("tax_status")} == {3}
    rejects = night.rows("format_reject")
    assert {r["ori_message_type"] for r in rejects} <= {"CEB621", "CEB622", "CEB623", "CEB625"}
    assert all(r["return_status"] < 0 and r["return_info"].startswith("[Code:") for r in rejects)
    # a few an hour, as configured
    assert 6 * 2 <= len(rejects) <= 6 * 12
    assert all(r.get("return_time", r.get("app_time")) < UNTIL for k in FAMILIES for r in night.rows(k))


def test_every_released_list_is_taxed_at_the_configured_rate(night, config):
    lists, released = _lists_by_invt(night), _released(night)
    taxes = night.rows("tax")
    assert len(taxes) > 0.95 * len([i for i, t in released.items() if t < UNTIL - timedelta(minutes=1)])
    rate = Decimal(str(config.simulator.tax_rate))
    for t in taxes:
        assert t["invt_no"] in released and t["return_time"] >= released[t["invt_no"]]
        assert t["tax_no"] == t["invt_no"] + "_0" and t["status"] == 1
        value = Decimal(lists[t["invt_no"]]["goods_value_fen"]) / 100
        assert t["value_added_tax"] == value * rate
        assert t["customs_tax"] == 0 and t["consumption_tax"] == 0


def test_a_list_s_lines_add_up_to_its_value_and_the_airport_declares_direct_purchases(night, config):
    decls = night.rows("declaration")
    for d in decls:
        assert d["line_gnum"] == list(range(1, d["line_count"] + 1))
        total = sum(p * q for p, q in zip(d["line_price"], d["line_qty"]))
        assert total * 100 == d["goods_value_fen"]
        assert all(q in (1, 2, 3) for q in d["line_qty"])
    modes = {(d["customs_code"], d["trade_mode"]) for d in decls}
    assert {m for _, m in modes} == {"1210", "9610"}
    assert {c for c, m in modes if m == "9610"} <= set(config.site("lishe").customs_codes)


def test_only_released_lists_are_cancelled_and_a_return_names_their_own_lines(night):
    lists, released = _lists_by_invt(night), _released(night)
    for r in night.rows("request"):
        assert r["invt_no"] in released and r["app_time"] > released[r["invt_no"]]
        if r["family"] == "cancel":
            assert r["line_gnum"] == [] and r["cop_no"].startswith("CC")
            continue
        original = lists[r["invt_no"]]
        pieces = dict(zip(original["line_gnum"], original["line_qty"]))
        assert r["line_gnum"] and set(r["line_gnum"]) <= set(pieces)
        assert all(0 < q <= pieces[g] for g, q in zip(r["line_gnum"], r["line_qty"]))


def test_request_receipts_name_their_request_and_cancelled_lists_lose_their_tax(night):
    requests = {(r["agent_code"], r["cop_no"]): r for r in night.rows("request")}
    approved = {}
    for rr in night.rows("request_receipt"):
        req = requests[(rr["agent_code"], rr["cop_no"])]
        assert rr["family"] == req["family"] and rr["invt_no"] == req["invt_no"]
        assert rr["return_time"] > req["app_time"]
        if req["family"] == "cancel" and rr["return_status"] == 399:
            approved[req["invt_no"]] = rr["return_time"]
    voided = {t["invt_no"]: t["return_time"] for t in night.rows("tax_status")}
    assert voided.keys() <= approved.keys()
    assert all(voided[i] > approved[i] for i in voided)
    assert len(voided) >= 0.8 * len([i for i, t in approved.items() if t < UNTIL - timedelta(minutes=1)])


def test_the_same_seed_draws_the_same_families_and_another_seed_others(night, config):
    again = _night(config)
    for kind in FAMILIES:
        assert again.rows(kind) == night.rows(kind), kind
    other = _night(config, seed=8)
    assert other.rows("request") != night.rows("request")


def test_the_rates_come_from_the_configuration(config):
    sink = _night(_with(config, cancel_share=0.0, refund_share=0.05, format_rejects_per_hour=0, tax_rate=0.13), seed=7)
    assert {r["family"] for r in sink.rows("request")} == {"refund"}
    assert not sink.rows("format_reject") and not sink.rows("tax_status")
    lists = _lists_by_invt(sink)
    assert all(t["value_added_tax"] == Decimal(lists[t["invt_no"]]["goods_value_fen"]) * Decimal("0.0013")
               for t in sink.rows("tax"))  # fmt: skip
    base = len([r for r in _night(config).rows("request") if r["family"] == "refund"])
    assert len(sink.rows("request")) > 5 * base


def _root(path):
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()


PREFIXED = {"CEB621", "CEB623", "CEB625"}
BODY = {
    "CEB623": ("InvtCancel", None),
    "CEB624": ("InvtCancelReturn", None),
    "CEB625": ("InvtRefund", "InvtRefundHead"),
    "CEB626": ("InvtRefundReturn", None),
    "CEB816": ("Tax", "TaxHeadRd"),
    "CEB818": ("Tax", "TaxHeadStatus"),
    "CEB900": ("MessageReturn", None),
}


def test_xml_mode_writes_every_family_in_its_real_format(config, tmp_path):
    totals = simulate_batch(config, XmlFileSink(tmp_path), DAY, UNTIL, seed=7, kind="ordinary")
    assert all(totals[k] for k in FAMILIES)
    files = sorted(tmp_path.iterdir())
    types = {p.name.split("_")[0] for p in files}
    assert types == {"CEB621", "CEB622", "CEB623", "CEB624", "CEB625", "CEB626", "CEB816", "CEB818", "CEB900"}
    seen = set()
    for p in files:
        kind = p.name.split("_")[0]
        if kind in seen and kind in ("CEB621", "CEB622", "CEB816"):
            continue
        seen.add(kind)
        root = _root(p)
        assert root.tag == f"{{{CEB}}}{kind}Message" and root.get("version") == "1.0" and root.get("guid")
        assert (root.prefix == "ceb") == (kind in PREFIXED), kind
        if kind in PREFIXED:
            assert root[-1].tag == f"{{{CEB}}}BaseTransfer"
        if kind not in BODY:
            continue
        body, head = BODY[kind]
        first = root.find(f"{{{CEB}}}{body}")
        fields = [c.tag.split("}")[1] for c in (first.find(f"{{{CEB}}}{head}") if head else first)]
        if kind in ("CEB623", "CEB625"):
            assert len(fields) == 24 and fields[15] == "invtNo" and fields[-2:] == ["reason", "note"]
            assert "buyerName" in fields
        if kind == "CEB816":
            assert fields[:4] == ["guid", "returnTime", "invtNo", "taxNo"]
            lines = first.findall(f"{{{CEB}}}TaxListRd")
            head_vat = Decimal(first.find(f"{{{CEB}}}TaxHeadRd/{{{CEB}}}valueAddedTax").text)
            assert lines and sum(Decimal(x.find(f"{{{CEB}}}valueAddedTax").text) for x in lines) == head_vat
        if kind == "CEB900":
            assert first.find(f"{{{CEB}}}oriMessageType").text.endswith("Message")
        if kind in ("CEB624", "CEB626"):
            assert fields[:7] == ["guid", "customsCode", "agentCode", "ebpCode", "ebcCode", "copNo", "preNo"]
    inventory = _root(next(p for p in files if p.name.startswith("CEB621")))
    head = inventory.find(f"{{{CEB}}}Inventory/{{{CEB}}}InventoryHead")
    assert head.find(f"{{{CEB}}}tradeMode").text in ("1210", "9610")
    line = inventory.find(f"{{{CEB}}}Inventory/{{{CEB}}}InventoryList")
    qty, price, total = (Decimal(line.find(f"{{{CEB}}}{t}").text) for t in ("qty", "price", "totalPrice"))
    assert qty * price == total


def test_live_mode_emits_the_families_as_their_times_pass_and_in_xml(config, tmp_path):
    busy = _with(config, live_day_kind="ordinary", cancel_share=0.2, refund_share=0.3, format_rejects_per_hour=120)
    got = {}
    clock = {"now": datetime(2026, 11, 26, 10, 0, 0)}
    for xml in (None, tmp_path):
        clock["now"] = datetime(2026, 11, 26, 10, 0, 0)
        src = SimulatorSource("sim", busy, clock=lambda: clock["now"], backfill=False, xml_inbox=xml)
        sink = RecordingSink()
        for _ in range(45):
            clock["now"] += timedelta(minutes=1)
            src.collect(sink)
        got[xml] = sink
    live = got[None]
    for kind in FAMILIES:
        rows = live.rows(kind)
        assert rows, kind
        assert max(r.get("return_time") or r.get("app_time") for r in rows) <= clock["now"]
    types = {p.name.split("_")[0] for p in tmp_path.iterdir()}
    assert {"CEB621", "CEB622", "CEB623", "CEB624", "CEB625", "CEB626", "CEB816", "CEB818", "CEB900"} <= types


def test_list_numbers_are_unique_over_a_promotion_day(config):
    # tax, cancellations and returns find their list by its number: a repeat would merge two lists
    import numpy as np
    import pyarrow.compute as pc

    from collectors.simulator.generator import Generator, Lists

    n = 6_400_000
    zeros = np.zeros(n, dtype=np.int64)
    day = np.full(n, date(2019, 11, 11).toordinal())
    lists = Lists(day, np.arange(n), *[zeros] * 8, np.zeros((n, 1)), np.zeros((n, 1)))
    keys = Generator(config, 1)._keys(lists)
    assert pc.count_distinct(keys["invt_no"]).as_py() == n
