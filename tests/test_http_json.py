"""The HTTP JSON source against a local server: success with pages, timeouts,
500s, malformed JSON, mapping errors, and recovery."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from base.secrets import SecretMissing
from collectors.http_json.source import HttpJsonSource, MappingError
from collectors.runner import Runner, Schedule
from core.runtime import Runtime


class Endpoint:
    """A warehouse system's occupancy API whose behaviour a test switches."""

    def __init__(self):
        self.mode = "ok"
        self.next_link = ""  # the next page's link in mode "offsite"
        self.requests: list[dict] = []
        # a logistics system's site figures, as /measures answers them
        self.measures = {
            "rows": [
                {"site": "meishan", "name": "delivered_48h_ratio", "value": 0.953, "at": "2019-11-11T01:00:20+08:00"},
                {"site": "hzw", "name": "in_warehouse_minutes", "value": 37.5, "at": "2019-11-11T01:00:40+08:00"},
            ]
        }
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                endpoint.requests.append({"path": self.path, "auth": self.headers.get("Authorization")})
                mode = endpoint.mode
                if mode == "slow":
                    time.sleep(2)
                if mode == "500":
                    return self._send(500, b"internal error")
                if mode == "garbage":
                    return self._send(200, b"{not json")
                if self.path.startswith("/measures"):
                    return self._send(200, json.dumps(endpoint.measures).encode())
                page2 = self.path.endswith("page=2")
                items = (
                    [{"code": "BSQ-W02", "used": 20000.0, "ratio": 0.7667, "at": "2019-11-11T01:00:00+08:00"}]
                    if page2
                    else [{"code": "BSQ-W01", "used": 24000.0, "ratio": 0.92, "at": "2019-11-11T01:00:00+08:00"}]
                )
                if mode == "bad_field" and page2:
                    items[0].pop("ratio")
                if mode == "bad_value":
                    items[0]["ratio"] = "lots"
                nxt = endpoint.next_link if mode == "offsite" else "/occupancy?page=2"
                body = {"data": {"items": items}, "links": {"next": None if page2 else nxt}}
                self._send(200, json.dumps(body).encode())

            def _send(self, code, body):
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/occupancy"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def endpoint():
    e = Endpoint()
    yield e
    e.close()


@pytest.fixture
def runtime(tmp_path, config):
    rt = Runtime(config, db_path=tmp_path / "h.duckdb", with_collectors=False)
    yield rt
    rt.stop()


def source(url, **kw):
    return HttpJsonSource(
        name="wms",
        url=url,
        kind="occupancy",
        items_path="data.items",
        next_path="links.next",
        fields={"warehouse_code": "code", "used_m2": "used", "occupancy_ratio": "ratio", "sampled_at": "at"},
        headers={"Authorization": "Bearer ${CBEC_TEST_WMS_TOKEN}"},
        timeout_s=0.5,
        **kw,
    )


def stored(rt):
    return (
        rt.store.cursor()
        .execute("SELECT warehouse_code, occupancy_ratio, sampled_at FROM occupancy_sample ORDER BY 1")
        .fetchall()
    )


def test_pages_are_followed_and_secrets_come_from_the_environment(endpoint, runtime, monkeypatch):
    monkeypatch.setenv("CBEC_TEST_WMS_TOKEN", "s3cret")
    got = source(endpoint.url).collect(runtime.sink)
    assert got.records == 2
    rows = stored(runtime)
    assert [(w, r) for w, r, _ in rows] == [("BSQ-W01", 0.92), ("BSQ-W02", 0.7667)]
    assert str(rows[0][2]) == "2019-11-11 01:00:00"  # +08:00 read as Beijing time
    assert [r["auth"] for r in endpoint.requests] == ["Bearer s3cret"] * 2


def test_a_missing_secret_is_named(endpoint, runtime, monkeypatch):
    monkeypatch.delenv("CBEC_TEST_WMS_TOKEN", raising=False)
    with pytest.raises(SecretMissing, match=r"\$\{CBEC_TEST_WMS_TOKEN\}"):
        source(endpoint.url).collect(runtime.sink)


@pytest.mark.parametrize(
    "mode, message",
    [
        ("500", "HTTP 500"),
        ("garbage", "not JSON"),
        ("bad_field", "page 2 item 1: field 'ratio' (for occupancy_ratio) is missing"),
        ("bad_value", "field 'ratio' (for occupancy_ratio) = 'lots' is not a double"),
    ],
)
def test_a_bad_response_is_reported_and_nothing_is_half_written(endpoint, runtime, monkeypatch, mode, message):
    monkeypatch.setenv("CBEC_TEST_WMS_TOKEN", "x")
    endpoint.mode = mode
    runner = Runner(runtime.sink)
    runner.add(source(endpoint.url), Schedule(1, 5, 10))
    assert runner.run_once("wms") is None
    health = runner.snapshot()["wms"]
    assert health["state"] == "error" and message in health["last_error"]
    assert stored(runtime) == []  # page 1 was fine, but nothing of the response is written
    endpoint.mode = "ok"
    assert runner.run_once("wms").records == 2
    assert runner.snapshot()["wms"]["state"] == "ok"


def test_timeouts_are_errors_and_recover(endpoint, runtime, monkeypatch):
    monkeypatch.setenv("CBEC_TEST_WMS_TOKEN", "x")
    endpoint.mode = "slow"
    runner = Runner(runtime.sink)
    runner.add(source(endpoint.url), Schedule(1, 5, 10))
    runner.run_once("wms")
    assert "Timeout" in runner.snapshot()["wms"]["last_error"]
    endpoint.mode = "ok"
    assert runner.run_once("wms").records == 2


def test_the_same_samples_twice_are_not_new(endpoint, runtime, monkeypatch):
    monkeypatch.setenv("CBEC_TEST_WMS_TOKEN", "x")
    s = source(endpoint.url)
    s.collect(runtime.sink)
    assert s.collect(runtime.sink).records == 0
    assert len(stored(runtime)) == 2


def test_a_mapping_that_cannot_fill_a_record_is_refused_at_start():
    with pytest.raises(ValueError, match="no value for occupancy_ratio"):
        HttpJsonSource(
            name="x", url="http://127.0.0.1:1/", kind="occupancy", fields={"warehouse_code": "code", "used_m2": "used"}
        )


def test_the_ops_page_names_the_source_the_field_and_why(endpoint, runtime, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CBEC_TEST_WMS_TOKEN", "x")
    endpoint.mode = "bad_field"
    runtime.runner.add(source(endpoint.url), Schedule(1, 5, 10))
    runtime.runner.run_once("wms")
    runtime.adopt()
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard" / "frame.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/collectors.py").run()
    assert not at.exception
    health = next(h.proto.body for h in at.get("html") if 'data-testid="collector-table"' in h.proto.body)
    assert ">wms<" in health  # a source added outside the configuration keeps its own name
    assert "field &#x27;ratio&#x27; (for occupancy_ratio) is missing" in health


@pytest.mark.parametrize("where", ["other_port", "other_host", "other_scheme"])
def test_a_next_link_to_another_origin_is_not_followed_and_gets_no_credentials(endpoint, runtime, monkeypatch, where):
    monkeypatch.setenv("CBEC_TEST_WMS_TOKEN", "s3cret")
    elsewhere = Endpoint()
    try:
        port = elsewhere.server.server_address[1]
        endpoint.next_link = {
            "other_port": f"http://127.0.0.1:{port}/steal",
            "other_host": f"http://localhost:{endpoint.server.server_address[1]}/occupancy?page=2",
            "other_scheme": f"https://127.0.0.1:{endpoint.server.server_address[1]}/occupancy?page=2",
        }[where]
        endpoint.mode = "offsite"
        with pytest.raises(MappingError, match="another origin"):
            source(endpoint.url).collect(runtime.sink)
        assert elsewhere.requests == [] and len(endpoint.requests) == 1
        assert stored(runtime) == []
    finally:
        elsewhere.close()


def test_an_error_never_carries_the_urls_password_or_query(endpoint, runtime, monkeypatch, caplog):
    monkeypatch.setenv("CBEC_TEST_WMS_TOKEN", "x")
    endpoint.mode = "500"
    host = endpoint.url.removeprefix("http://")
    runner = Runner(runtime.sink)
    runner.add(source(f"http://scraper:pa55word@{host}?api_key=k3y"), Schedule(1, 5, 10))
    runner.run_once("wms")
    unreachable = HttpJsonSource(name="down", url="http://bob:hunter22@127.0.0.1:1/x?token=t0k",
                                 kind="occupancy", fields=source("").fields)  # fmt: skip
    runner.add(unreachable, Schedule(1, 5, 10))
    runner.run_once("down")
    errors = " ".join(h["last_error"] for h in runner.snapshot().values())
    assert "HTTP 500" in errors and host in errors
    for secret in ("pa55word", "k3y", "hunter22", "t0k"):
        assert secret not in errors and secret not in caplog.text


def measure_source(url: str) -> HttpJsonSource:
    return HttpJsonSource(
        name="logistics",
        url=url.replace("/occupancy", "/measures"),
        kind="site_measure",
        items_path="rows",
        fields={"site_code": "site", "measure": "name", "value": "value", "sampled_at": "at"},
        timeout_s=0.5,
    )


def test_site_measures_are_stored_by_minute_through_the_mapping(endpoint, runtime):
    assert measure_source(endpoint.url).collect(runtime.sink).records == 2
    rows = (
        runtime.store.cursor()
        .execute("SELECT minute, site_code, measure, value FROM site_measure ORDER BY 2")
        .fetchall()
    )
    assert [(str(m), s, n, v) for m, s, n, v in rows] == [
        ("2019-11-11 01:00:00", "hzw", "in_warehouse_minutes", 37.5),
        ("2019-11-11 01:00:00", "meishan", "delivered_48h_ratio", 0.953),
    ]
    assert measure_source(endpoint.url).collect(runtime.sink).records == 0  # the same minute again: nothing new


@pytest.mark.parametrize(
    "change, message",
    [
        ({"value": 1.4}, "delivered_48h_ratio = 1.4 is outside 0..1"),
        ({"name": "speed"}, "'speed' is not a site measure"),
        ({"value": -3}, "delivered_48h_ratio = -3.0 is outside 0..1"),
        ({"value": "fast"}, "field 'value' (for value) = 'fast' is not a double"),
    ],
)
def test_a_bad_site_measure_is_refused_with_the_item_and_field(endpoint, runtime, change, message):
    endpoint.measures["rows"][0].update(change)
    runner = Runner(runtime.sink)
    runner.add(measure_source(endpoint.url), Schedule(1, 5, 10))
    assert runner.run_once("logistics") is None
    error = runner.snapshot()["logistics"]["last_error"]
    assert "page 1 item 1" in error and message in error
    assert runtime.store.cursor().execute("SELECT count(*) FROM site_measure").fetchall() == [(0,)]


def test_a_site_measure_of_an_unknown_site_is_refused(endpoint, runtime):
    endpoint.measures["rows"][1]["site"] = "ningbo-east"
    with pytest.raises(ValueError, match="unknown site"):
        measure_source(endpoint.url).collect(runtime.sink)
