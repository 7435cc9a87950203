"""The national tier: live figures through a real Prometheus that scrapes the
districts' /metrics (each series labelled with its district), a stopped district
shown stale while the others are not, the districts' days from their Parquet
exports, and its two screens."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import subprocess
import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import openpyxl
import pytest
from adjusted import seed
from browser import free_port, running_app, screenshot
from prometheus_client.parser import text_string_to_metric_families
from streamlit.testing.v1 import AppTest
from waiting import wait_for

from base.config import District, NationalConfig, load_config
from cbec.cli import main as cli
from collectors.records import make_batch
from core import exports, national
from core import national_report as nr
from core.runtime import Runtime
from queries.store import Store

ROOT = Path(__file__).resolve().parent.parent
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
DAY = date(2019, 11, 11)
CODES = ("3100", "2900")
NAMES = {"3100": ("宁波海关", "Ningbo Customs"), "2900": ("杭州海关", "Hangzhou Customs")}
STALE_AFTER = 4.0


class Exposition(ThreadingHTTPServer):
    """A district's /metrics, as its app serves it."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = runtime.metrics_text()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def start_prometheus(folder: Path, targets: dict[str, int]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    static = "".join(f"      - targets: ['127.0.0.1:{p}']\n" for p in targets.values())
    (folder / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "scrape_configs:\n  - job_name: cbec_districts\n    honor_labels: true\n    static_configs:\n" + static
    )
    proc = subprocess.Popen(
        [PROMETHEUS, f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={folder / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise TimeoutError("prometheus did not get ready")


def released(runtime: Runtime, n: int, at: datetime, tag: str) -> None:
    """`n` lists declared and released at `at` through the runtime's sink."""
    keys = {"ebc_code": ["E1"] * n, "cop_no": [f"{tag}-{i}" for i in range(n)], "invt_no": [None] * n,
            "customs_code": ["3105"] * n, "ebp_code": ["SIMEBP0001"] * n}  # fmt: skip
    runtime.sink.write(make_batch("declaration", {
        **keys, "area_code": [None] * n, "app_time": [at] * n, "app_type": [1] * n, "goods_value_fen": [10000] * n,
        "line_count": [1] * n, "category_code": ["food"] * n, "trade_mode": ["1210"] * n, "line_gnum": [[1]] * n,
        "line_price": [[Decimal(100)]] * n, "line_qty": [[Decimal(1)]] * n}, "test"))  # fmt: skip
    runtime.sink.write(make_batch("receipt", {
        **keys, "return_status": [800] * n, "return_time": [at + timedelta(seconds=5)] * n,
        "return_info": [None] * n}, "test"))  # fmt: skip


def counter(runtime: Runtime, name: str) -> float:
    fams = {f.name: f for f in text_string_to_metric_families(runtime.metrics_text().decode())}
    return sum(s.value for s in fams[name].samples if s.name == f"{name}_total")


@pytest.fixture(scope="module")
def federation(tmp_path_factory, config):
    """Two districts' runtimes serving /metrics, and a real Prometheus scraping both."""
    folder = tmp_path_factory.mktemp("federation")
    runtimes = {c: Runtime(dataclasses.replace(config, district_code=c), db_path=folder / f"{c}.duckdb",
                           with_collectors=False) for c in CODES}  # fmt: skip
    servers = {c: Exposition(rt) for c, rt in runtimes.items()}
    proc, url = start_prometheus(folder, {c: s.server_address[1] for c, s in servers.items()})
    cfg = NationalConfig(url, folder / "exports", tuple(District(c, *NAMES[c]) for c in CODES), STALE_AFTER)
    yield cfg, runtimes, servers
    proc.terminate()
    proc.wait(20)
    for c in CODES:
        servers[c].shutdown()
        runtimes[c].stop()


def test_every_series_a_district_exposes_carries_its_code(federation):
    _, runtimes, _ = federation
    for code, rt in runtimes.items():
        for fam in text_string_to_metric_families(rt.metrics_text().decode()):
            assert all(s.labels.get("district") == code for s in fam.samples), fam.name


def test_the_national_live_figure_is_the_sum_of_the_districts_counters(federation):
    cfg, runtimes, _ = federation
    released(runtimes["3100"], 7, datetime(2019, 11, 11, 0, 1), "a")
    released(runtimes["2900"], 5, datetime(2019, 11, 11, 0, 1), "b")
    want = {c: counter(rt, "cbec_released_lists") for c, rt in runtimes.items()}
    assert want == {"3100": 7, "2900": 5}

    def caught_up():
        snap = national.live(cfg)
        return snap if {d.district.code: d.released_lists for d in snap.districts} == want else None

    snap = wait_for(caught_up, 10)  # a scrape is 1 s
    assert snap, national.live(cfg)
    assert snap.released_lists == 12
    value = sum(counter(rt, "cbec_released_goods_value_cny") for rt in runtimes.values())
    assert snap.goods_value_cny == pytest.approx(value) and value == 1200
    assert not any(d.stale for d in snap.districts) and snap.error == ""


def test_a_stopped_district_is_stale_within_its_threshold_and_the_others_are_not(federation):
    cfg, runtimes, servers = federation
    assert wait_for(lambda: not any(d.stale for d in national.live(cfg).districts), 10)
    servers["2900"].shutdown()
    servers["2900"].server_close()
    stopped = time.monotonic()
    refresh = 1.0  # how often a screen asks

    def shown_stale():
        snap = national.live(cfg)
        by = {d.district.code: d for d in snap.districts}
        assert not by["3100"].stale, by["3100"]  # the others are unaffected throughout
        return by["2900"].stale

    assert wait_for(shown_stale, STALE_AFTER + refresh + 5, every=refresh)
    took = time.monotonic() - stopped
    assert took <= STALE_AFTER + refresh, took
    snap = national.live(cfg)
    by = {d.district.code: d for d in snap.districts}
    assert by["2900"].released_lists == 5  # its last figures stay in view, marked stale
    assert by["2900"].age_seconds is not None


def test_prometheus_down_shows_every_district_stale(tmp_path):
    cfg = NationalConfig(f"http://127.0.0.1:{free_port()}", tmp_path, (District("3100", *NAMES["3100"]),))
    snap = national.live(cfg, timeout_s=1)
    assert snap.error and all(d.stale for d in snap.districts)


@pytest.fixture(scope="module")
def exported(promo_db, tmp_path_factory, config):
    """2019-11-11 00:00-00:05 (with a cancellation, a return, tax and rejects) as two districts
    exported it, 2900 holding the same night as 3100; and the same minutes of 2018 for 3100."""
    from collectors.simulator.source import simulate_batch

    folder = tmp_path_factory.mktemp("national-exports")
    db = folder / "day.duckdb"
    shutil.copy(promo_db, db)
    rt = Runtime(config, db_path=db, with_collectors=False)
    seed(rt, datetime(2019, 11, 11, 0, 5))
    simulate_batch(config, rt.sink, date(2018, 11, 11), datetime(2018, 11, 11, 0, 5))
    rt.stop()
    out = folder / "exports"
    store = Store(db, read_only=True)
    for code in CODES:
        exports.write_day(store, out, code, DAY)
    exports.write_day(store, out, "3100", date(2018, 11, 11))
    store.close()
    return db, out


def test_the_national_day_equals_the_sum_of_the_districts_summaries(exported, capsys):
    db, out = exported
    assert cli(["summary", "--db", str(db), "--date", "2019-11-11", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    cfg = NationalConfig("http://127.0.0.1:1", out, tuple(District(c, *NAMES[c]) for c in CODES))
    days = national.days(cfg, DAY, DAY)
    assert [d.district.code for d in days] == ["2900", "3100"]  # equal lists: by code
    for d in days:
        assert d.now.released_lists == s["released_lists"]
        assert d.now.goods_value_fen == round(s["goods_value_cny"] * 100)
        assert float(round(d.now.adjustments.tax_net, 2)) == s["tax"]["net_cny"]
    by = {d.district.code: d for d in days}
    assert by["3100"].last_year is not None and by["3100"].lists_change is not None
    assert by["2900"].last_year is None and by["2900"].lists_change is None
    headers, rows = nr.table(days, "zh")
    total = rows[-1]
    assert total[1] == "合计" and total[3] == 2 * s["released_lists"]
    assert total[5] == pytest.approx(2 * s["goods_value_cny"], abs=0.005)
    assert total[4] is None  # not every district has last year: no national change
    assert total[8] == 2 * s["net_released_lists"]


def test_the_national_files_carry_the_table_and_keep_text_inert(exported, tmp_path):
    _, out = exported
    hostile = District("2900", '=HYPERLINK("http://evil.example","x")', "Hangzhou")
    cfg = NationalConfig("http://127.0.0.1:1", out, (District("3100", *NAMES["3100"]), hostile))
    days = national.days(cfg, DAY, DAY)
    rows = list(csv.reader(io.StringIO(nr.to_csv(days, DAY, DAY).decode("utf-8-sig"))))
    assert rows[1][:4] == ["排名", "关区", "关区代码", "放行清单(单)"]
    assert any(r[1].startswith("'=") for r in rows[2:])
    wb = openpyxl.load_workbook(io.BytesIO(nr.to_xlsx(days, DAY, DAY)))
    ws = wb.active
    cells = [c.value for row in ws.iter_rows(min_row=4) for c in row]
    assert '=HYPERLINK("http://evil.example","x")' in cells
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    md = nr.to_markdown(days, DAY, DAY)
    assert md.startswith("# 全国跨境电商关区日报 2019-11-11") and "合计" in md
    # the printed page: the same table, the hostile name as text, an A4 PDF
    html = nr.to_html(days, DAY, DAY)
    assert "宁波海关" in html and "合计" in html and "<a " not in html and "&quot;http://evil.example&quot;" in html
    pdf = nr.to_pdf(days, DAY, DAY)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")


def test_a_district_that_exported_nothing_is_listed_as_not_exported(exported):
    _, out = exported
    cfg = NationalConfig(
        "http://127.0.0.1:1", out, (District("3100", *NAMES["3100"]), District("3300", "福州海关", "F"))
    )
    days = national.days(cfg, DAY, DAY)
    assert [d.district.code for d in days] == ["3100", "3300"] and days[1].days == 0
    headers, rows = nr.table(days, "zh")
    assert rows[1][3] == "未导出"


def national_config(tmp_path: Path, prometheus_url: str, exports_folder: Path) -> Path:
    """A national instance's configuration: the districts, where Prometheus and the exports are."""
    path = tmp_path / "national.toml"
    districts = "".join(
        f'[[national.district]]\ncode = "{c}"\nname_zh = "{NAMES[c][0]}"\nname_en = "{NAMES[c][1]}"\n'
        f'url = "http://127.0.0.1:85{i:02d}"\n'
        for i, c in enumerate(CODES)
    )
    path.write_text(
        '[district]\nname_zh = "海关总署"\nname_en = "General Administration of Customs"\ncode = "0000"\n\n'
        f'[reference]\nfolder = "{ROOT / "assets" / "config" / "reference"}"\n\n'
        f'[national]\nprometheus_url = "{prometheus_url}"\nexports = "{exports_folder}"\n'
        f"stale_after_seconds = {STALE_AFTER}\n" + districts,
        encoding="utf-8",
    )
    return path


def test_the_national_mode_loads_from_its_configuration(tmp_path):
    cfg = load_config(national_config(tmp_path, "http://127.0.0.1:9090", tmp_path))
    assert cfg.national and [d.code for d in cfg.national.districts] == list(CODES)
    assert not [c for c in cfg.collectors if c.enabled]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_national_pages_show_each_district(federation, exported, tmp_path, monkeypatch, lang):
    cfg, _, _ = federation
    _, out = exported
    monkeypatch.setenv("CBEC_EXPORTS", str(out))
    config = load_config(national_config(tmp_path, cfg.prometheus_url, out))
    rt = Runtime(config, db_path=tmp_path / "n.duckdb", clock=lambda: datetime(2019, 11, 12, 9)).adopt()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
        if lang == "en":
            at.query_params["lang"] = "en"
        at.run()
        assert not at.exception, at.exception
        html = " ".join(h.proto.body for h in at.get("html"))
        assert 'data-testid="national-districts"' in html
        for c in CODES:
            assert NAMES[c][0 if lang == "zh" else 1] in html
        at.switch_page("app_pages/national_report.py").run()
        assert not at.exception, at.exception
        html = " ".join(h.proto.body for h in at.get("html"))
        assert 'data-testid="national-ranking"' in html and ("合计" if lang == "zh" else "Total") in html
    finally:
        rt.stop()


@pytest.mark.browser
def test_the_national_screens_read_in_chinese_in_chromium(federation, exported, tmp_path, browser):
    from test_page_words import CLIPPED, VISIBLE_TEXT, foreign_words

    cfg, _, _ = federation
    _, out = exported
    path = national_config(tmp_path, cfg.prometheus_url, out)
    env = {"CBEC_CONFIG": str(path), "CBEC_EXPORTS": str(out)}
    with running_app(tmp_path / "national.duckdb", env=env) as (base, _):
        screens = (("national", "", "national-districts"),  # the national wall is the root page
                   ("national-report", "national-report?date=2019-11-11", "national-ranking"))  # fmt: skip
        for name, url, ready in screens:
            page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
            try:
                page.goto(f"{base}/{url}")
                page.wait_for_selector(f'[data-testid="{ready}"]', timeout=60_000)
                time.sleep(3)  # fragments fill in after the first paint
                screenshot(page, f"page-{name}-1920x1080")
                text = page.evaluate(VISIBLE_TEXT)
                assert foreign_words(text) == [], f"{name}: English or raw identifiers on screen"
                assert page.evaluate(CLIPPED) == [], f"{name}: cut off on the right"
                assert NAMES["3100"][0] in text
            finally:
                page.close()
