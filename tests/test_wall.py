"""Wall screens: every screen draws the stored figures from one shared
snapshot, the playlist rotates by the clock, and the event stream carries the
headline figures."""

from __future__ import annotations

import json
import warnings
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from streamlit.testing.v1 import AppTest

from base.config import Slide
from core import live as wall_data
from core.numbers import count_en, count_zh, fen, yuan_en, yuan_zh
from dashboard import feed, playlist
from dashboard.routes import routes
from queries import read

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ["city", "meishan", "bsq", "lishe", "hzw"]


def wall_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    for k, v in params.items():
        at.query_params[k] = v
    return at.switch_page("app_pages/wall.py").run()


def wall_data_of(at: AppTest) -> dict:
    (el,) = at.get("bidi_component")
    return json.loads(el.proto.json)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("screen", SCREENS)
def test_every_screen_runs_and_streams_the_stored_figures(promo_runtime, screen, lang):
    at = wall_page(screen=screen, kiosk="1", lang=lang)
    assert not at.exception, at.exception
    data = wall_data_of(at)
    assert data["fixed"] is True and data["kiosk"] is True and data["lang"] == lang
    assert [s["screen"] for s in data["slides"]] == [screen]
    assert not at.sidebar.children  # a kiosk has no sidebar at all

    now = promo_runtime.clock()
    day0 = now.replace(hour=0, minute=0)
    with promo_runtime.store.reading() as con:
        if screen == "city":
            released = read.release_totals(con, day0, now).released_lists
        else:
            released = next(s.released_lists for s in read.release_by_site(con, day0, now) if s.site_code == screen)
        review = con.execute(
            "SELECT count(*) FROM inventory_list WHERE released_at IS NULL AND last_status = 300"
            " AND (CAST(? AS VARCHAR) IS NULL OR site_code = ?)",
            [None if screen == "city" else screen] * 2,
        ).fetchall()[0][0]
    message = feed.message(wall_data.headlines(), screen, lang)
    assert released > 0
    assert message["released"] == released and message["released_exact"] == f"{released:,}"
    _, panels = feed.panels(screen, lang)
    html = json.loads(panels.decode().split("data: ", 1)[1])["html"]
    # the manual-review backlog on screen is the store's own count
    assert f"<b>{review:,}</b>" in html


def test_a_playlist_in_the_url_is_checked():
    screens = set(SCREENS)
    assert playlist.parse("city:30,bsq:20,lishe", screens) == (
        Slide("city", 30),
        Slide("bsq", 20),
        Slide("lishe", playlist.DEFAULT_DWELL),
    )
    for bad, words in (("tokyo:20", "unknown screen 'tokyo'"), ("bsq:soon", "not a number"), ("bsq:1", "at least 5")):
        with pytest.raises(playlist.PlaylistError, match=words):
            playlist.parse(bad, screens)


def test_a_wrong_url_gets_a_clear_message(promo_runtime):
    at = wall_page(screen="tokyo")
    assert not at.exception
    assert any("unknown screen 'tokyo'" in e.value for e in at.error)
    at = wall_page(playlist="city:2")
    assert any("at least 5 seconds" in e.value for e in at.error)


def test_without_a_screen_the_wall_rotates_the_configured_playlist(promo_runtime):
    data = wall_data_of(wall_page())
    assert data["fixed"] is False
    assert [(s["screen"], s["dwell"]) for s in data["slides"]] == [
        (s.screen, s.dwell_seconds) for s in promo_runtime.config.wall.slides
    ]
    data = wall_data_of(wall_page(playlist="city:5,bsq:7"))
    assert [(s["screen"], s["dwell"]) for s in data["slides"]] == [("city", 5), ("bsq", 7)]


def test_one_snapshot_serves_every_viewer(promo_runtime, monkeypatch):
    calls = []
    compute = wall_data._SNAPSHOT._compute
    monkeypatch.setattr(wall_data._SNAPSHOT, "_compute", lambda rt: calls.append(1) or compute(rt))
    monkeypatch.setattr(wall_data._SNAPSHOT, "_key", None)
    monkeypatch.setattr(wall_data._SNAPSHOT, "_seconds", lambda rt: 3600.0)
    snaps = {id(wall_data.snapshot()) for _ in range(30)}
    assert len(snaps) == 1 and len(calls) == 1


def test_the_curves_of_every_site_and_both_days_are_one_reading_of_what_each_site_reads_alone(promo_runtime):
    now = promo_runtime.clock()
    day0 = now.replace(hour=0, minute=0)
    sites = [s.code for s in promo_runtime.config.sites]
    # two windows of the stored night stand in for today and last year; the second ends mid-way
    first, second = (day0, now), (day0 + timedelta(minutes=1), day0 + timedelta(minutes=3, seconds=30))
    with promo_runtime.store.reading() as con:
        one, two = read.release_curves(con, first, second, sites[1:])
        for got, (start, end) in ((one, first), (two, second)):
            alone = read.release_per_minute(con, start, end)["released_lists"].to_numpy()
            assert got.city.tolist() == alone.tolist() and alone.sum() > 0
            assert list(got.sites) == sites[1:]  # a site not asked for counts in the city only
            for code, minutes in got.sites.items():
                assert minutes.tolist() == read.release_per_minute(con, start, end, code)["released_lists"].tolist()
        _, empty = read.release_curves(con, first, (day0, day0), sites)
    assert empty.city.tolist() == [] and all(m.tolist() == [] for m in empty.sites.values())


def test_release_time_and_waiting_lists_match_an_independent_count(promo_runtime):
    now = promo_runtime.clock()
    minute = now.replace(second=0, microsecond=0)
    window = [minute - timedelta(minutes=14), minute + timedelta(minutes=1)]  # as the walls read it
    with promo_runtime.store.reading() as con:
        lat = read.release_latency(con, *window)
        median, p95 = con.execute(
            "SELECT median(epoch(released_at) - epoch(declared_at)), quantile_cont(epoch(released_at) -"
            " epoch(declared_at), 0.95) FROM inventory_list WHERE released_at >= ? AND released_at < ?"
            " AND declared_at <= released_at",
            window,
        ).fetchall()[0]
        held = con.execute(
            "SELECT count(*) FROM inventory_list WHERE released_at IS NULL AND last_status BETWEEN 500 AND 599"
        ).fetchall()[0][0]
        waiting = read.open_lists(con, now - timedelta(days=1), now)
    # the simulator's microseconds are kept to the centisecond below a minute (the wall shows 0.1 s)
    assert lat[None].median_s == pytest.approx(median, abs=0.005)
    assert lat[None].p95_s == pytest.approx(p95, abs=0.005)
    assert waiting[(None, "hold")].lists == held > 0


def test_the_event_stream_carries_a_screens_headline(promo_runtime):
    with warnings.catch_warnings():  # it prefers a newer HTTP client; this one is what the project pins
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    client = TestClient(Starlette(routes=routes()))
    with client.stream("GET", "/api/wall/events?screen=hzw&lang=en") as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = r.iter_lines()
        first = [next(lines) for _ in range(8)]
    # on connect: the panels, then the headline figures
    assert "event: panels" in first
    line = next(ln for ln in first[first.index("event: panels") + 2 :] if ln.startswith("data: "))
    message = json.loads(line[len("data: ") :])
    now = promo_runtime.clock()
    with promo_runtime.store.reading() as con:
        hzw = next(s for s in read.release_by_site(con, now.replace(hour=0, minute=0), now) if s.site_code == "hzw")
    assert message["screen"] == "hzw"
    assert message["released"] == hzw.released_lists and message["value_fen"] == hzw.goods_value_fen
    assert len(message["spark"]) == 5  # the minutes of the night so far
    assert client.get("/api/wall/events?screen=tokyo").status_code == 404


def test_the_alert_strip_shows_firing_first_and_pending_calmly():
    from types import SimpleNamespace

    from dashboard.wall_html import alerts_strip

    def alert(state: str, zh: str, site: str | None = "bsq") -> dict:
        return {
            "site": site,
            "severity": "critical",
            "state": state,
            "zh": zh,
            "en": zh,
            "acked": False,
            "silenced": False,
        }

    pending_only = alerts_strip(SimpleNamespace(alerts=[alert("pending", "链路占用 97%")]), "bsq", "zh")
    assert 'class="alerts calm"' in pending_only and "观察中：链路占用 97%" in pending_only
    assert "当前告警 0" in pending_only
    both = alerts_strip(SimpleNamespace(alerts=[alert("firing", "设备离线"), alert("pending", "链路")]), "city", "zh")
    assert 'class="alerts"' in both and both.index("设备离线") < both.index("观察中：链路")
    assert "当前告警 1" in both  # pending is not yet an alert
    recovering = alerts_strip(SimpleNamespace(alerts=[alert("recovering", "仓库")]), "bsq", "zh")
    assert "calm" in recovering and "恢复中：仓库" in recovering
    # another site's alert is not on this site's screen
    assert "calm" in alerts_strip(SimpleNamespace(alerts=[alert("firing", "x", "hzw")]), "bsq", "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_screen_streams_net_and_tax_beside_the_gross_figures(promo_runtime, lang):
    from adjusted import seed

    now = promo_runtime.clock()
    seeded = seed(promo_runtime, now)
    wall_data._HEADLINES._key = None  # the seeded records, not the last second's figures
    h = wall_data.headlines()
    day0 = now.replace(hour=0, minute=0)
    count, money = (count_en, yuan_en) if lang == "en" else (count_zh, yuan_zh)
    with promo_runtime.store.reading() as con:
        city = read.net(con, day0, now)
        by_site = read.adjustments_by_site(con, day0, now)
        sites = {s.site_code: s for s in read.release_by_site(con, day0, now)}
    assert city.adjustments.cancelled_lists >= 1 and city.adjustments.tax_assessed >= seeded.tax_assessed
    for screen in SCREENS:
        net = city if screen == "city" else read.Net(sites[screen].released_lists, sites[screen].goods_value_fen,
                                                     by_site[screen])  # fmt: skip
        message = feed.message(h, screen, lang)
        assert message["released"] == net.released_lists  # the gross figure stays the headline
        lists, value, tax = (
            count(net.net_released_lists),
            money(fen(net.net_goods_value)),
            money(fen(net.adjustments.tax_assessed)),
        )
        if lang == "zh":
            assert message["net_lists"] == f"净放行 {lists}单"
            assert (message["net_value"], message["tax"]) == (f"净货值 {value}", f"应征税款 {tax}")
        else:
            assert message["net_lists"] == f"Net {lists} lists"
            assert (message["net_value"], message["tax"]) == (f"net {value}", f"tax {tax}")
    # the overview's line is made of the same parts as the wall's
    parts = wall_data.net_parts(h.screens["city"], lang)
    city_message = feed.message(h, "city", lang)
    assert (city_message["net_value"], city_message["tax"]) == (parts["value"], parts["tax"])


def test_the_chart_legend_and_the_site_counters_read_the_same_second_as_the_tiles(promo_runtime):
    """The legend's today and last-year figures and the map's site counters are
    filled from the second's headline message, so they never disagree with the tiles."""
    import re

    from dashboard import wall_html

    h, snap = wall_data.headlines(), wall_data.snapshot()
    growth = promo_runtime.config.wall.plan_yoy_growth
    city = feed.message(h, "city", "zh", snap.screens["city"], growth)
    html = wall_html.body(snap, "city", "zh", promo_runtime.names)
    for key in ("released_text", "ghost_text", "plan_text"):
        assert f'data-live="{key}"' in html and city[key]
    assert city["released_text"] == count_zh(h.screens["city"].released_lists)
    for site in promo_runtime.config.sites:
        assert f'data-live="site:{site.code}"' in html and site.name_zh in html
        assert city["sites"][site.code] == count_zh(h.screens[site.code].released_lists)
    # a real y axis, in 万 on a Chinese screen, and no CNY
    assert re.findall(r'<div class="yaxis">(.*?)</div>', html)[0].count("万</span>") >= 2
    assert "CNY" not in json.dumps(city, ensure_ascii=False) and city["value_exact"].endswith(" 元")


def test_the_pace_lines_name_the_peak_minute_of_the_stored_night(promo_runtime):
    now = promo_runtime.clock()
    day0 = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with promo_runtime.store.reading() as con:
        top = con.execute(
            "SELECT minute, sum(released_lists) AS n FROM release_minute WHERE minute >= ? AND minute < ?"
            " GROUP BY minute ORDER BY n DESC, minute LIMIT 1",
            [day0, now.replace(second=0, microsecond=0)],
        ).fetchone()
    lines = feed.pace_lines(wall_data.snapshot().screens["city"], "zh")
    assert lines["peak"] == f"峰值 {top[1]:,}单/分钟 {top[0]:%H:%M}"


def test_a_silent_collector_is_marked_on_the_time_chart(promo_runtime):
    from dashboard import wall_html

    day0 = promo_runtime.clock().replace(hour=0, minute=0, second=0, microsecond=0)
    runs = [(day0 + timedelta(seconds=t), day0 + timedelta(seconds=t + 1)) for t in (5, 10, 190, 195)]
    with promo_runtime.store.write_lock:
        for started, finished in runs:
            promo_runtime.store.writer.execute(
                "INSERT INTO collector_run VALUES ('probe', ?, ?, 'ok', 1, NULL)", [started, finished]
            )
    wall_data._SNAPSHOT._key = None
    snap = wall_data.snapshot()
    assert (runs[1][1], runs[2][0]) in snap.outages  # 00:00:11 to 00:03:10, silent for three minutes
    html = wall_html.body(snap, "bsq", "zh", promo_runtime.names)
    assert 'class="outage"' in html and "数据中断 00:00–00:03" in html
