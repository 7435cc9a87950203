"""The broker source against a real RabbitMQ node (Debian's rabbitmq-server,
started privately for this module): acknowledgement after commit,
redelivery, dead letters without personal data, a broker killed mid-stream,
two instances converging, and `cbec publish`."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pika
import pytest

from base.config import load_config
from collectors.broker.link import BrokerUnavailable
from collectors.broker.publish import NotRouted, Publisher
from collectors.broker.source import BrokerSource
from collectors.ceb.inbox import Ingester
from collectors.runner import Runner, Schedule
from collectors.simulator.source import SimulatorSource, simulate_batch
from collectors.simulator.xml_out import XmlFileSink
from collectors.sinks.duckdb_sink import DuckDBSink
from core.summary import day_summary
from queries.reference import load_reference
from queries.store import Store
from reliability.broker import Broker, free_port

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "ceb"
DAY = date(2019, 11, 11)
NAME, ID_NUMBER, PHONE = "张小明", "330102199001011234", "13812345678"
PLANTED = (NAME, ID_NUMBER, PHONE, "PII-")


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    b = Broker(tmp_path_factory.mktemp("rabbit")).start()
    assert b.leftovers()
    yield b
    b.stop()
    time.sleep(0.5)
    assert b.leftovers() == []  # no stray beam.smp


@pytest.fixture(scope="module")
def traffic(tmp_path_factory, config) -> list[tuple[str, bytes]]:
    """Two seconds of the simulated peak as CEB message files: lists, receipts, tax receipts."""
    folder = tmp_path_factory.mktemp("traffic")
    simulate_batch(config, XmlFileSink(folder, records_per_file=60), DAY, datetime(2019, 11, 11, 0, 0, 2))
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]


def _open(path: Path, config) -> tuple[Store, DuckDBSink]:
    store = Store(path)
    load_reference(store, config)
    return store, DuckDBSink(store)


def figures(store: Store) -> dict:
    with store.reading() as con:
        counts = {
            t: con.execute("SELECT count(*) FROM query_table(?)", [t]).fetchone()[0]
            for t in ("inventory_list", "receipt", "tax_receipt")
        }
        return {**counts, "summary": day_summary(con, DAY)}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, traffic, config) -> dict:
    """The traffic's figures ingested straight from files, as `cbec ingest` would."""
    folder = tmp_path_factory.mktemp("reference")
    for name, data in traffic:
        (folder / name).write_bytes(data)
    store, sink = _open(folder / "ref.duckdb", config)
    Ingester("ref", config.category_for_hs).run(sorted(p for p in folder.iterdir() if p.suffix == ".xml"), sink)
    got = figures(store)
    store.close()
    assert got["inventory_list"] > 1000 and got["receipt"] > 1000 and got["tax_receipt"] > 0
    return got


def source(broker: Broker, config, exchange: str, queue: str, **kw) -> BrokerSource:
    return BrokerSource("ceb_broker", broker.url, config.category_for_hs, exchange=exchange, queue=queue, **kw)


def publish(broker: Broker, exchange: str, messages) -> None:
    p = Publisher(broker.url, exchange)
    try:
        for name, data in messages:
            p.send(name, data)
    finally:
        p.close()


def drain(src: BrokerSource, sink, broker: Broker, timeout: float = 60) -> int:
    """Collects until the queue is empty; the records written."""
    n, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = src.collect(sink)
        n += got.records
        if not got.records and broker.depth(src.queue) == 0:
            return n
    raise TimeoutError(f"{src.queue} still holds {broker.depth(src.queue)} message(s)")


def golden(case: str) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted((GOLDEN / case).glob("*.xml"))]


class FailingSink:
    """A store that fails (a full disk, say) and notes how many messages the queue held while it was asked."""

    def __init__(self, broker: Broker, queue: str):
        self.broker, self.queue, self.depths = broker, queue, []

    def write(self, batch):
        self.depths.append(self.broker.depth(self.queue))
        raise OSError(28, "No space left on device")


class WatchingSink:
    """The real sink, noting the queue's depth at each write: acknowledged messages leave the queue."""

    def __init__(self, sink, broker: Broker, queue: str):
        self.sink, self.broker, self.queue, self.depths = sink, broker, queue, []

    def write(self, batch):
        self.depths.append(self.broker.depth(self.queue))
        return self.sink.write(batch)


def test_acknowledged_only_after_commit_and_requeued_on_a_store_failure(broker, config, tmp_path):
    src = source(broker, config, "x.ack", "q.ack")
    assert src.collect(FailingSink(broker, "q.ack")).records == 0  # declares its queue
    messages = golden("basic")
    publish(broker, "x.ack", messages)
    failing = FailingSink(broker, "q.ack")
    with pytest.raises(OSError, match="No space"):
        src.collect(failing)
    assert failing.depths == [len(messages)]
    assert broker.depth("q.ack") == len(messages)  # nothing acknowledged: back in the queue
    store, sink = _open(tmp_path / "a.duckdb", config)
    watching = WatchingSink(sink, broker, "q.ack")
    assert drain(src, watching, broker) == 6  # 2 lists, 4 receipts
    assert watching.depths[0] == len(messages)  # still queued while the records were written
    assert broker.depth("q.ack") == 0
    got = figures(store)["summary"]
    assert (got["released_lists"], got["goods_value_cny"]) == (2, 300.18)
    src.close()
    store.close()


def test_a_redelivered_message_changes_nothing(broker, config, tmp_path):
    src = source(broker, config, "x.again", "q.again")
    store, sink = _open(tmp_path / "a.duckdb", config)
    src.collect(sink)
    messages = golden("basic") + golden("tax")
    publish(broker, "x.again", messages)
    drain(src, sink, broker)
    once = figures(store)
    publish(broker, "x.again", messages + list(reversed(messages)))
    drain(src, sink, broker)
    assert figures(store) == once
    # a message handed out and given back unacknowledged comes again, and changes nothing
    src.close()
    publish(broker, "x.again", messages)
    conn = pika.BlockingConnection(pika.URLParameters(broker.url))
    ch = conn.channel()
    method, _, _ = ch.basic_get("q.again")
    assert method is not None
    ch.basic_nack(method.delivery_tag, requeue=True)
    conn.close()
    drain(src, sink, broker)
    assert figures(store) == once
    src.close()
    store.close()


def test_dead_letters_carry_their_reason_and_no_personal_data(broker, config, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    src = source(broker, config, "x.dead", "q.dead")
    store, sink = _open(tmp_path / "a.duckdb", config)
    src.collect(sink)
    good = golden("basic")
    truncated = good[0][1].replace("PII-NAME-张三".encode(), f"{NAME} {ID_NUMBER}".encode())[:700]
    phone_as_status = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CEB622Message guid="G" version="1.0" xmlns="http://www.chinaport.gov.cn/ceb">\n'
        "<InventoryReturn><guid>R</guid><customsCode>3105</customsCode><ebpCode>SIMEBP0001</ebpCode>"
        "<ebcCode>3105960001</ebcCode><copNo>C9</copNo><returnStatus>800</returnStatus>"
        "<returnTime>20191111000011900</returnTime><returnInfo>[Code:2600;Desc:放行]</returnInfo></InventoryReturn>\n"
        "<InventoryReturn><guid>R</guid><customsCode>3105</customsCode><ebpCode>SIMEBP0001</ebpCode>"
        f"<ebcCode>3105960001</ebcCode><copNo>C8</copNo><returnStatus>{PHONE}</returnStatus>"
        f"<returnTime>20191111000011900</returnTime><returnInfo>买家{NAME}</returnInfo></InventoryReturn>\n"
        "</CEB622Message>\n"
    ).encode()
    publish(
        broker,
        "x.dead",
        [*good, (f"{NAME}_{ID_NUMBER}.xml", truncated), ("receipts.xml", phone_as_status), ("", b"\x00\x01 not xml")],
    )
    drain(src, sink, broker)
    assert broker.depth("q.dead.dead") == 3
    conn = pika.BlockingConnection(pika.URLParameters(broker.url))
    ch = conn.channel()
    letters = []
    while (got := ch.basic_get("q.dead.dead", auto_ack=True))[0] is not None:
        letters.append(got)
    conn.close()
    assert len(letters) == 3
    codes = sorted(props.headers["x-cbec-code"] for _, props, _ in letters)
    assert codes == ["invalid_records", "malformed_xml", "malformed_xml"], codes
    for _, props, body in letters:
        assert props.headers["x-cbec-reason"].startswith(props.headers["x-cbec-code"] + ":")
        assert props.delivery_mode == 2
        shown = body.decode("utf-8", "replace") + repr(props.headers) + repr(props.message_id)
        for planted in PLANTED:
            assert planted not in shown, planted
    with store.reading() as con:
        rows = con.execute("SELECT file_name, moved_to, reason, records_kept FROM quarantine_event").fetchall()
        released = con.execute("SELECT count(*) FROM receipt WHERE cop_no = 'C9'").fetchone()[0]
    assert len(rows) == 3 and all(r[1] == "amqp:q.dead.dead" for r in rows)
    assert released == 1  # a bad message's valid records go in
    assert any(r[0].startswith("msg-") for r in rows)  # no message id: a short hash names it
    for planted in PLANTED:
        assert planted not in repr(rows) + caplog.text, planted
    assert figures(store)["summary"]["released_lists"] == 3  # basic's two, and C9's release
    src.close()
    store.close()


def test_a_broker_killed_mid_stream_loses_nothing_and_doubles_nothing(broker, config, tmp_path, traffic, reference):
    store, sink = _open(tmp_path / "a.duckdb", config)
    broker_down = threading.Event()

    class Slow:  # after the first batch, a write waits for the broker to die: messages are in flight when it does
        writes = 0

        def write(self, batch):
            Slow.writes += 1
            if Slow.writes > 1:
                broker_down.wait(20)
            time.sleep(0.02)
            return sink.write(batch)

    src = source(broker, config, "x.kill", "q.kill", prefetch=20)
    runner = Runner(Slow())
    runner.add(src, Schedule(interval_s=0.1, timeout_s=10, stale_after_s=2, backoff_base_s=0.2, backoff_max_s=1))
    runner.start()
    try:
        deadline = time.monotonic() + 20
        while runner.health["ceb_broker"].runs_total == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        half = len(traffic) * 2 // 3
        publish(broker, "x.kill", traffic[:half])
        while figures(store)["inventory_list"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        waiting = broker.depth("q.kill")
        broker.kill()
        broker_down.set()
        assert waiting > 0, "the broker went down with its queue empty: nothing was in flight"
        deadline = time.monotonic() + 20
        while runner.health["ceb_broker"].state != "error" and time.monotonic() < deadline:
            time.sleep(0.05)
        error = runner.health["ceb_broker"].last_error
        assert f"broker at 127.0.0.1:{broker.port} unreachable" in error and "guest" not in error
        time.sleep(2.5)
        assert runner.snapshot()["ceb_broker"]["stale"]
        broker.start()
        publish(broker, "x.kill", traffic[half:])
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if broker.depth("q.kill") == 0 and runner.health["ceb_broker"].state in ("ok", "quiet"):
                break
            time.sleep(0.2)
        assert broker.depth("q.kill") == 0
    finally:
        broker_down.set()
        runner.stop()
        if not broker.running():  # the tests after this one need it
            broker.start()
    assert runner.health["ceb_broker"].last_error is None
    assert figures(store) == reference
    store.close()


def test_two_instances_converge(broker, config, tmp_path, traffic, reference):
    a_store, a_sink = _open(tmp_path / "a.duckdb", config)
    b_store, b_sink = _open(tmp_path / "b.duckdb", config)
    a = source(broker, config, "x.pair", "q.primary")
    b = source(broker, config, "x.pair", "q.standby")
    a.collect(a_sink)
    b.collect(b_sink)
    third = len(traffic) // 3
    publish(broker, "x.pair", traffic[:third])
    drain(a, a_sink, broker)  # the standby is behind: its queue keeps the messages for it
    assert broker.depth("q.standby") == third
    publish(broker, "x.pair", list(reversed(traffic[third:])) + traffic[:10])
    collecting = threading.Thread(target=drain, args=(b, b_sink, broker))
    collecting.start()
    drain(a, a_sink, broker)
    collecting.join(90)
    assert not collecting.is_alive()
    assert figures(a_store) == figures(b_store) == reference
    a.close()
    b.close()
    a_store.close()
    b_store.close()


def test_a_connection_is_used_only_by_the_thread_that_opened_it(broker, config, tmp_path):
    store, sink = _open(tmp_path / "a.duckdb", config)
    src = source(broker, config, "x.thread", "q.thread", first_wait_s=0.1)
    src.collect(sink)
    first = src.link._conn
    publish(broker, "x.thread", golden("basic"))
    other = threading.Thread(target=lambda: drain(src, sink, broker))
    other.start()
    other.join(30)
    assert src.link._conn is not first and not first.is_open  # the other thread opened its own
    assert figures(store)["summary"]["released_lists"] == 2
    store.close()


def test_an_unreachable_broker_is_one_clear_line_without_the_password(config, monkeypatch):
    monkeypatch.setenv("CBEC_BROKER_PASSWORD", "s3cret-pw@x")
    port = free_port()
    url = f"amqp://cbec:${{CBEC_BROKER_PASSWORD}}@127.0.0.1:{port}/%2F"
    src = BrokerSource("ceb_broker", url, config.category_for_hs)
    with pytest.raises(BrokerUnavailable) as e:
        src.collect(None)
    assert str(e.value).startswith(f"broker at 127.0.0.1:{port} unreachable")
    assert "s3cret" not in str(e.value)
    with pytest.raises(BrokerUnavailable, match="is not valid") as e:
        BrokerSource("ceb_broker", url + "?heartbeat=x", config.category_for_hs).collect(None)
    assert "s3cret" not in str(e.value)
    runner = Runner(None)
    runner.add(src, Schedule(interval_s=1, timeout_s=10, stale_after_s=5))
    runner.run_once("ceb_broker")
    assert "s3cret" not in repr(runner.snapshot())
    done = subprocess.run(
        [sys.executable, "-m", "cbec.cli", "publish", str(GOLDEN / "basic"), "--url", url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"cbec publish: broker at 127.0.0.1:{port} unreachable")
    assert len(done.stderr.strip().splitlines()) == 1 and "s3cret" not in done.stderr


def test_a_broker_that_says_no_is_named_so(broker, config):
    url = broker.url.replace("guest:guest", "guest:wrong-pw")
    with pytest.raises(BrokerUnavailable) as e:
        BrokerSource("ceb_broker", url, config.category_for_hs).collect(None)
    assert str(e.value).startswith(f"broker at 127.0.0.1:{broker.port} refused: ") and "wrong-pw" not in str(e.value)


def test_cbec_publish_sends_files_and_folders(broker, config, tmp_path, caplog):
    src = source(broker, config, "x.cli", "q.cli")
    store, sink = _open(tmp_path / "a.duckdb", config)
    src.collect(sink)
    with pytest.raises(NotRouted):
        publish(broker, "x.nobody", golden("basic"))
    assert "PII-" not in caplog.text  # pika's warning of a returned message quotes its body
    folder = tmp_path / "out"
    folder.mkdir()
    for name, data in golden("basic"):
        (folder / name).write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "cbec.cli", "publish", str(folder), str(GOLDEN / "tax" / "CEB816.xml"),
         "--url", broker.url, "--exchange", "x.cli"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "sent 3 message(s) to exchange 'x.cli'"
    drain(src, sink, broker)
    got = figures(store)
    assert got["summary"]["released_lists"] == 2 and got["tax_receipt"] > 0
    src.close()
    store.close()


def test_the_broker_demo_runs_the_simulator_through_the_broker(broker, config, tmp_path, monkeypatch):
    monkeypatch.setenv("CBEC_XML_DEMO", "broker")
    demo = {c.name: c for c in load_config().collectors}
    assert demo["ceb_broker"].enabled and demo["simulator"].options["xml_broker"] == demo["ceb_broker"].options["url"]
    wall = {"now": datetime(2019, 11, 11, 0, 0, 5)}
    stores = {}
    for way in ("records", "broker"):
        store, sink = stores[way] = _open(tmp_path / f"{way}.duckdb", config)
        xml = {"xml_broker": broker.url, "xml_exchange": "x.demo"} if way == "broker" else {}
        sim = SimulatorSource("sim", config, clock=lambda: wall["now"], backfill=False, **xml)
        src = source(broker, config, "x.demo", "q.demo")
        src.collect(sink)
        wall["now"] = datetime(2019, 11, 11, 0, 0, 5)
        for _ in range(3):
            wall["now"] += timedelta(seconds=1)
            sim.collect(sink)
        drain(src, sink, broker)
        src.close()
    got = {way: figures(store) for way, (store, _) in stores.items()}
    assert got["broker"]["inventory_list"] > 100
    assert got["broker"] == got["records"]
    for store, _ in stores.values():
        store.close()
