"""Site video without a browser: cameras in the configuration, the ffmpeg each
gets and what it leaves behind, the states a screen and the equipment alert
read, and who may fetch a camera's stream."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import warnings
from pathlib import Path

import pytest
from starlette.applications import Starlette
from waiting import wait_for

from base.config import AccessConfig, Camera, ConfigError, load_config
from collectors.video import ffmpeg
from collectors.video.source import VideoSource
from collectors.video.supervisor import Supervisor
from core.runtime import Runtime
from dashboard.routes import routes
from reliability.processes import ffmpeg_writing_into

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "assets" / "config"
SECRET = "s3cret-Pw"


def _config_with(tmp_path: Path, video: str) -> Path:
    """The shipped configuration with its [video] section replaced."""
    text = (SHIPPED / "cbec.toml").read_text(encoding="utf-8")
    start = text.index("[video]")
    end = text.index("# ---- the scheduled digest")
    text = text[:start] + video + "\n" + text[end:]
    text = text.replace('folder = "assets/config/reference"', f'folder = "{SHIPPED / "reference"}"')
    path = tmp_path / "cbec.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_demo_has_a_test_feed_on_every_site():
    cfg = load_config()
    assert {c.site for c in cfg.video.cameras} == {s.code for s in cfg.sites}
    assert all(c.url == "test:" and re.match(r"^camera-\d+$", c.name) for c in cfg.video.cameras)


@pytest.mark.parametrize(
    "camera, error",
    [
        (
            'site = "bsq"\nname = "camera-1"\nkind = "gate"\nurl = "rtsp://cam:pw@10.0.0.1/s"',
            "must not hold credentials",
        ),
        ('site = "nowhere"\nname = "camera-1"\nkind = "gate"\nurl = "test:"', "unknown site 'nowhere'"),
        ('site = "bsq"\nname = "front door"\nkind = "gate"\nurl = "test:"', "name must be camera-N"),
        ('site = "bsq"\nname = "camera-1"\nkind = "roof"\nurl = "test:"', "kind must be one of"),
        ('site = "bsq"\nname = "camera-1"\nkind = "gate"\nurl = "ftp://10.0.0.1/s"', "url must be rtsp"),
        ('site = "bsq"\nname = "camera-1"\nkind = "gate"\nurl = "test:"\nzoom = 2', "unknown key 'zoom'"),
    ],
)
def test_a_camera_the_app_cannot_use_stops_the_start_naming_it_and_never_its_password(tmp_path, camera, error):
    path = _config_with(tmp_path, f"[video]\n[[video.camera]]\n{camera}\n")
    with pytest.raises(ConfigError, match=error) as e:
        load_config(path)
    assert "pw@" not in str(e.value)


def test_video_can_be_switched_off_for_a_machine_without_cameras(tmp_path, monkeypatch):
    monkeypatch.setenv("CBEC_VIDEO", "off")
    assert load_config().video.cameras == ()


def test_the_shipped_player_is_the_pinned_hls_js_release():
    readme = (ROOT / "assets" / "video" / "README.md").read_text(encoding="utf-8")
    pinned = re.search(r"sha256 of `hls.light.min.js`: ([0-9a-f]{64})", readme).group(1)
    shipped = hashlib.sha256((ROOT / "assets" / "video" / "hls.light.min.js").read_bytes()).hexdigest()
    assert shipped == pinned
    assert "hls.js 1.7.4" in readme and (ROOT / "assets" / "video" / "hls.js.LICENSE").exists()


def test_the_credentials_go_into_ffmpegs_input_only(tmp_path, monkeypatch):
    monkeypatch.setenv("CBEC_CAM_T", f"cam:{SECRET}")
    cam = Camera("bsq", "camera-2", "xray", "rtsp://10.0.0.9:554/live", credentials_env="CBEC_CAM_T")
    argv = ffmpeg.command(cam, load_config().video, tmp_path, tmp_path / "label.txt", "ffmpeg")
    given = [a for a in argv if SECRET in a]
    assert given == [f"rtsp://cam:{SECRET}@10.0.0.9:554/live"]
    assert argv[argv.index(given[0]) - 1] == "-i"
    monkeypatch.delenv("CBEC_CAM_T")
    with pytest.raises(ffmpeg.NoCredentials, match="CBEC_CAM_T is not set"):
        ffmpeg.command(cam, load_config().video, tmp_path, tmp_path / "label.txt", "ffmpeg")


def _video_config(tmp_path: Path, *cameras: Camera, **video):
    cfg = load_config()
    v = dataclasses.replace(cfg.video, cameras=cameras, folder=tmp_path / "video", **video)
    return dataclasses.replace(cfg, video=v)


def test_a_test_feed_plays_within_seconds_and_leaves_no_ffmpeg_when_stopped(tmp_path):
    cfg = _video_config(tmp_path, Camera("bsq", "camera-1", "gate", "test:"), test_fps=5, test_size="320x180")
    sup = Supervisor(cfg).start()
    try:
        assert wait_for(lambda: sup.states()[0]["state"] == "playing", 10), sup.states()
        files = sorted(p.name for p in (tmp_path / "video" / "bsq" / "camera-1").iterdir())
        assert "index.m3u8" in files and "init.mp4" in files and any(f.endswith(".m4s") for f in files)
        assert sup.states()[0]["segment_age_seconds"] < cfg.video.stale_after_seconds
        assert ffmpeg_writing_into(tmp_path / "video")
    finally:
        sup.stop()
    assert ffmpeg_writing_into(tmp_path / "video") == []


def test_an_app_killed_outright_leaves_no_ffmpeg_behind(tmp_path):
    """kill -9 gives the runtime no chance to stop its cameras: the kernel ends them with it."""
    import subprocess
    import sys

    script = (
        "import sys, time, dataclasses\n"
        "from base.config import Camera, load_config\n"
        "from collectors.video.supervisor import Supervisor\n"
        "cfg = load_config()\n"
        f"v = dataclasses.replace(cfg.video, cameras=(Camera('bsq', 'camera-1', 'gate', 'test:'),), "
        f"folder=__import__('pathlib').Path({str(tmp_path / 'video')!r}), test_fps=5, test_size='320x180')\n"
        "sup = Supervisor(dataclasses.replace(cfg, video=v)).start()\n"
        "while not sup.pids(): time.sleep(0.1)\n"
        "print('up', flush=True)\n"
        "time.sleep(60)\n"
    )
    app = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert app.stdout.readline().strip() == b"up"
        assert ffmpeg_writing_into(tmp_path / "video")
    finally:
        app.kill()
        app.wait()
    assert wait_for(lambda: ffmpeg_writing_into(tmp_path / "video") == [], 3)


def test_a_camera_that_refuses_shows_down_with_its_reason_and_never_the_password(tmp_path, monkeypatch):
    """An RTSP address nobody answers: ffmpeg fails, is restarted with backoff, and
    after the threshold the camera is down; the reason is ffmpeg's, without the password."""
    monkeypatch.setenv("CBEC_CAM_T", f"cam:{SECRET}")
    cam = Camera("lishe", "camera-3", "xray", "rtsp://127.0.0.1:9/live", credentials_env="CBEC_CAM_T")
    cfg = _video_config(tmp_path, cam, stale_after_seconds=2.0, segment_seconds=1.0)
    sup = Supervisor(cfg).start()
    try:
        assert sup.states()[0]["state"] == "reconnecting"
        assert wait_for(lambda: sup.states()[0]["state"] == "down" and sup.states()[0]["why"], 8), sup.states()
        state = sup.states()[0]
        assert "refused" in state["why"].lower() and SECRET not in str(state) and "cam:" not in str(state)
        assert wait_for(lambda: sup.states()[0]["restarts"] >= 1, 6)
    finally:
        sup.stop()
    assert ffmpeg_writing_into(tmp_path / "video") == []


def test_without_ffmpeg_the_cameras_are_down_and_say_why(tmp_path):
    cfg = _video_config(tmp_path, Camera("hzw", "camera-1", "sorter", "test:"), ffmpeg="no-such-ffmpeg")
    sup = Supervisor(cfg).start()
    try:
        state = sup.states()[0]
        assert state["state"] == "down" and state["why"] == "ffmpeg not installed"
    finally:
        sup.stop()


def test_a_dead_camera_is_written_as_equipment_down_like_a_gate(tmp_path):
    cfg = _video_config(tmp_path, Camera("hzw", "camera-1", "sorter", "test:"), ffmpeg="no-such-ffmpeg")
    written = []
    VideoSource(Supervisor(cfg)).collect(type("S", (), {"write": lambda self, b: written.append(b)})())
    rows = written[0].table.to_pylist()
    assert [(r["site_code"], r["component"], r["kind"], r["metric"], r["value"]) for r in rows] == [
        ("hzw", "camera-1", "camera", "up", 0.0)
    ]


def test_the_simulator_does_not_simulate_a_camera_that_has_a_feed(tmp_path):
    import numpy as np

    from collectors.simulator import samples

    cfg = load_config()
    table = samples.health(cfg, 1, np.array([0], dtype="int64"), np.array([0.5]), samples.SampleFaults())
    cameras = {(r["site_code"], r["component"]) for r in table.to_pylist() if r["kind"] == "camera"}
    fed = {(c.site, c.name) for c in cfg.video.cameras}
    assert fed and not fed & cameras
    assert ("bsq", "camera-2") in cameras  # the others are still simulated


@pytest.fixture
def signin_runtime(tmp_path):
    cfg = _video_config(tmp_path, Camera("bsq", "camera-1", "gate", "test:"))
    cfg = dataclasses.replace(cfg, access=AccessConfig(mode="signin"))
    rt = Runtime(cfg, db_path=tmp_path / "v.duckdb").adopt()
    folder = rt.video.folder("bsq", "camera-1")
    folder.mkdir(parents=True)
    (folder / "index.m3u8").write_text("#EXTM3U\n", encoding="utf-8")
    (folder / "seg000001.m4s").write_bytes(b"\0" * 10)
    yield rt
    rt.stop()


def test_the_stream_routes_refuse_anonymous_callers_in_signin_mode(signin_runtime):
    client = TestClient(Starlette(routes=routes()), client=("127.0.0.1", 5000))
    for name in ("index.m3u8", "seg000001.m4s", "init.mp4"):
        answer = client.get(f"/video/bsq/camera-1/{name}")
        assert answer.status_code == 401, name
        assert client.get(f"/video/bsq/camera-1/{name}?ticket=t.forged.sig").status_code == 401
    assert client.get("/video/hls.js").status_code == 200  # the library itself is no secret


def test_the_stream_routes_serve_a_signed_in_page_and_nothing_outside_the_cameras_folder(signin_runtime):
    from base.clock import now_beijing
    from core.access import accounts, tickets
    from core.access.roles import Viewer

    now = now_beijing()
    accounts.add(signin_runtime.store, Viewer("cli", "admin", "cli"), "ana", "duty", "a long pass phrase 7", now)
    ana = accounts.sign_in(signin_runtime.store, "ana", "a long pass phrase 7", now, "127.0.0.1")
    ticket = tickets.issue(ana, now, tickets.new_session())
    client = TestClient(Starlette(routes=routes()), client=("127.0.0.1", 5000))
    answer = client.get(f"/video/bsq/camera-1/index.m3u8?ticket={ticket}")
    assert answer.status_code == 200 and answer.text == "#EXTM3U\n"
    assert answer.headers["content-type"].startswith("application/vnd.apple.mpegurl")
    assert client.get(f"/video/bsq/camera-1/seg000001.m4s?ticket={ticket}").content == b"\0" * 10
    for bad in ("label.txt", "..%2Fv.duckdb", "seg1.m4s", "index.m3u8.tmp"):
        assert client.get(f"/video/bsq/camera-1/{bad}?ticket={ticket}").status_code == 404, bad
    assert client.get(f"/video/bsq/camera-9/index.m3u8?ticket={ticket}").status_code == 404


def test_metrics_carry_each_cameras_state_and_age_without_its_address(tmp_path, monkeypatch):
    monkeypatch.setenv("CBEC_CAM_T", f"cam:{SECRET}")
    cams = (Camera("bsq", "camera-1", "gate", "test:"),
            Camera("lishe", "camera-2", "xray", "rtsp://127.0.0.1:9/live", credentials_env="CBEC_CAM_T"))  # fmt: skip
    cfg = _video_config(tmp_path, *cams, test_fps=5, test_size="320x180")
    rt = Runtime(cfg, db_path=tmp_path / "m.duckdb")
    rt.video.start()
    try:
        assert wait_for(lambda: {c["camera"]: c["state"] for c in rt.cameras()}["camera-1"] == "playing", 10)
        text = rt.metrics_text().decode()
    finally:
        rt.stop()
    assert 'cbec_camera_state{camera="camera-1",district="3100",site="bsq",state="playing"} 1.0' in text
    assert re.search(r'cbec_camera_segment_age_seconds\{camera="camera-1",district="3100",site="bsq"\} [0-9.]+', text)
    assert "127.0.0.1:9" not in text and SECRET not in text


def test_a_wall_token_sees_the_cameras_of_its_own_screens_only(signin_runtime):
    from base.clock import now_beijing
    from core.access import tokens
    from core.access.roles import Viewer

    admin = Viewer("cli", "admin", "cli")
    screens = ["city", *(s.code for s in signin_runtime.config.sites)]
    hall = tokens.create(signin_runtime.store, admin, "保税区大厅", ["bsq"], screens, now_beijing())
    airport = tokens.create(signin_runtime.store, admin, "栎社", ["lishe"], screens, now_beijing())
    client = TestClient(Starlette(routes=routes()), client=("127.0.0.1", 5000))
    assert client.get(f"/video/bsq/camera-1/index.m3u8?ticket={hall}").status_code == 200
    assert client.get(f"/video/bsq/camera-1/index.m3u8?ticket={airport}").status_code == 401


def test_system_health_lists_each_feed_with_its_state_age_and_why_it_failed(promo_runtime, monkeypatch):
    from streamlit.testing.v1 import AppTest

    feeds = [
        {"site": "bsq", "camera": "camera-1", "kind": "gate", "state": "playing", "segment_age_seconds": 0.8,
         "why": "", "restarts": 0, "source": "test:"},
        {"site": "lishe", "camera": "camera-2", "kind": "xray", "state": "down", "segment_age_seconds": 95.0,
         "why": "rtsp://10.0.0.9:554/live: Connection refused", "restarts": 4, "source": "rtsp://10.0.0.9:554/live"},
    ]  # fmt: skip
    monkeypatch.setattr(promo_runtime, "cameras", lambda: feeds)
    at = AppTest.from_file(str(ROOT / "dashboard" / "frame.py"), default_timeout=60).run()
    at.switch_page("app_pages/system_health.py").run()
    assert not at.exception
    table = next(h.proto.body for h in at.get("html") if 'data-testid="camera-table"' in h.proto.body)
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows[1:]]
    assert cells[0][:5] == ["保税区", "摄像头1", "卡口", "正常", "0秒"]
    assert cells[1][:5] == ["栎社", "摄像头2", "X光机房", "中断", "95秒"]
    assert cells[1][5:] == ["4", "rtsp://10.0.0.9:554/live: Connection refused"]
