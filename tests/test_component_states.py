"""What the walls and the health page say of each piece of equipment: up, down or
silent, and its link's newest figures beside it."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pandas as pd

from core.live import _with_link
from queries.read import component_states

NOW = datetime(2026, 11, 11, 20, 0)


def _health(rows: list[tuple]) -> pd.DataFrame:
    """(site, component, kind, metric, value, seconds ago) as `health_latest` gives them."""
    return pd.DataFrame(
        [(s, c, k, m, v, NOW - timedelta(seconds=ago), "test") for s, c, k, m, v, ago in rows],
        columns=["site_code", "component", "kind", "metric", "value", "sampled_at", "source"],
    )


def test_each_component_is_up_down_or_silent_by_its_newest_sample():
    health = _health(
        [
            ("3105", "gw-1", "server", "up", 1.0, 10),
            ("3105", "gw-1", "server", "cpu", 0.4, 5),
            ("3105", "gw-2", "server", "up", 0.0, 10),
            ("3105", "dxp", "link", "up", 1.0, 400),
            ("3114", "scanner", "device", "temperature", 31.0, 20),
        ]
    )
    states = component_states(health, NOW, 90)
    got = {(r.site_code, r.component): (r.state, r.age_seconds) for r in states.itertuples()}
    assert got == {
        ("3105", "dxp"): ("stale", 400.0),  # silent past the limit, whatever it last said
        ("3105", "gw-1"): ("ok", 5.0),  # the newest of its samples
        ("3105", "gw-2"): ("down", 10.0),
        ("3114", "scanner"): ("ok", 20.0),  # no up/down figure: fresh is ok
    }
    assert list(states["site_code"] + states["component"]) == sorted(states["site_code"] + states["component"])


def test_a_link_carries_its_newest_figures_and_other_equipment_none():
    health = _health(
        [
            ("3105", "dxp", "link", "up", 1.0, 10),
            ("3105", "dxp", "link", "utilization_ratio", 0.82, 10),
            ("3105", "dxp", "link", "queue_depth", 1200.0, 10),
            ("3105", "gw-1", "server", "up", 1.0, 10),
        ]
    )
    joined = _with_link(component_states(health, NOW, 90), health)
    dxp = joined.of("3105").set_index("component")
    assert dxp.loc["dxp", "utilization_ratio"] == 0.82 and dxp.loc["dxp", "queue_depth"] == 1200.0
    assert math.isnan(dxp.loc["gw-1", "utilization_ratio"])
    assert "latency_seconds" not in joined.all  # a figure no link reports is no column


def test_no_samples_no_components():
    assert component_states(_health([]), NOW, 90).empty
    without_links = _health([("3105", "gw-1", "server", "up", 1.0, 10)])
    states = component_states(without_links, NOW, 90)
    assert list(_with_link(states, without_links).all.columns) == list(states.columns)
