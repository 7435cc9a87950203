"""Two instances, one voice: the primary sends alert notifications and the
digest; the standby takes over only while the primary's /healthz is silent for
the configured time, and hands back as soon as it answers."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from receiver import Receiver
from test_alert_notify import T0, deliveries, occupancy, occupancy_runner, tick

from base.config import ConfigError, InstanceConfig, load_config
from core.duty import Duty, Spell

PEER = "http://10.0.0.2:8501"


class Peer:
    """The other instance's /healthz as the duty check sees it: up or down, on a clock we move."""

    def __init__(self) -> None:
        self.up, self.seconds, self.asked, self.body = True, 0.0, [], {"status": "ok"}

    def get(self, url: str, headers: dict, timeout: float) -> httpx.Response:
        self.asked.append((url, headers))
        if not self.up:
            raise httpx.ConnectError("refused")
        return httpx.Response(200, json=self.body)

    def after(self, duty: Duty, seconds: float) -> None:
        self.seconds += seconds
        duty.check()


def duty(role: str, peer: Peer, token: str = "", takeover: float = 30) -> Duty:
    cfg = InstanceConfig(name="B", role=role, peer_url=PEER, takeover_seconds=takeover, check_seconds=2)
    clock = {"t": datetime(2019, 11, 11, 0, 10)}

    def now() -> datetime:
        return clock["t"] + timedelta(seconds=peer.seconds)

    return Duty(cfg, token=lambda: token, get=peer.get, monotonic=lambda: peer.seconds, clock=now)


def test_the_standby_takes_over_after_the_primary_is_silent_and_hands_back():
    peer = Peer()
    d = duty("standby", peer)
    peer.after(d, 2)
    assert not d.on_duty() and d.peer_alive() is True
    peer.up = False
    peer.after(d, 10)
    assert not d.on_duty() and d.peer_alive() is False  # silent, not yet for long enough
    peer.after(d, 21)  # 31 s since the last answer
    assert d.on_duty()
    status = d.status()
    assert status["on_duty"] and status["peer"]["alive"] is False and status["spells"][0]["end"] is None
    peer.up = True
    peer.after(d, 2)
    assert not d.on_duty()  # hands back at the first answer
    (spell,) = d.status()["spells"]
    assert spell["end"] is not None


def test_a_standby_whose_primary_never_answered_takes_over_after_its_own_start():
    peer = Peer()
    peer.up = False
    d = duty("standby", peer)
    peer.after(d, 29)
    assert not d.on_duty()
    peer.after(d, 2)
    assert d.on_duty()


def test_the_primary_always_sends_and_still_says_whether_the_standby_answers():
    peer = Peer()
    d = duty("primary", peer, token="s3cret")
    assert d.on_duty()
    peer.up = False
    peer.after(d, 120)
    assert d.on_duty() and d.peer_alive() is False
    assert peer.asked[-1] == (f"{PEER}/healthz", {"authorization": "Bearer s3cret"})


def test_a_primary_back_from_a_restart_knows_when_the_standby_stood_in():
    peer = Peer()
    spell = Spell(datetime(2019, 11, 12, 7, 50), datetime(2019, 11, 12, 8, 30))
    peer.body = {"status": "ok", "instance": {"name": "A", "spells": [spell.as_dict()]}}
    d = duty("primary", peer)
    d.check()
    assert d.peer_covered(datetime(2019, 11, 12, 8, 0))
    assert not d.peer_covered(datetime(2019, 11, 12, 8, 30))
    assert d.status()["peer"]["name"] == "A"


def test_the_instance_is_configured_or_refused(tmp_path, monkeypatch):
    base = (load_config.__globals__["DEFAULT_CONFIG"]).read_text(encoding="utf-8")
    path = tmp_path / "c.toml"
    path.write_text(base.replace('role = "primary"', 'role = "backup"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="instance.role must be 'primary' or 'standby'"):
        load_config(path)
    path.write_text(base.replace('peer_url = ""', 'peer_url = "10.0.0.2:8501/x"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="not a server's base URL"):
        load_config(path)
    monkeypatch.setenv("CBEC_ROLE", "standby")
    monkeypatch.setenv("CBEC_PEER_URL", "http://10.0.0.1:8501/")
    monkeypatch.setenv("CBEC_WALL_SERVERS", "http://10.0.0.1:8501, http://10.0.0.2:8501")
    cfg = load_config()
    assert cfg.instance.role == "standby" and cfg.instance.peer_url == "http://10.0.0.1:8501"
    assert cfg.wall.servers == ("http://10.0.0.1:8501", "http://10.0.0.2:8501")


@pytest.fixture
def alerting(store, monkeypatch):
    receiver = Receiver([])
    monkeypatch.setenv("CBEC_TEST_ROBOT_KEY", "k1")
    clock, on = {"now": T0}, {"duty": False}
    runner = occupancy_runner(store, receiver, clock, retries=0, on_duty=lambda: on["duty"])
    yield runner, store, clock, receiver, on
    receiver.close()


def test_a_standby_off_duty_records_what_the_primary_sends_and_repeats_nothing_on_takeover(alerting):
    runner, store, clock, receiver, on = alerting
    occupancy(store, T0, "BSQ-W01", 0.97)
    tick(runner, clock, 0)
    assert receiver.posts == []
    assert deliveries(store) == [("firing", "warehouse_occupancy_high", "bsq", 1, "standby")]
    on["duty"] = True  # the primary went silent
    occupancy(store, T0 + timedelta(minutes=5), "BSQ-W01", 0.97)
    tick(runner, clock, 5)
    assert receiver.posts == []  # the primary already said it fires; the repeat keeps its time
    occupancy(store, T0 + timedelta(minutes=31), "BSQ-W01", 0.5)
    tick(runner, clock, 31)
    assert [d[0] for d in deliveries(store)] == ["firing", "resolved"]
    assert deliveries(store)[-1][-1] == "ok" and len(receiver.posts) == 1
