"""The wall's pace figures: milestones with the minute they were passed, the
peak minute, and the projection along last year's shape."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from core import pace

DAY0 = datetime(2026, 11, 11)


def test_a_milestone_is_dated_by_the_minute_the_running_total_reached_it():
    per_minute = np.array([40, 50, 30, 0, 90])  # running: 40, 90, 120, 120, 210
    passed = pace.milestones(per_minute, DAY0, 100)
    assert [(m.level, m.at.strftime("%H:%M")) for m in passed] == [(100, "00:03"), (200, "00:05")]
    assert pace.milestones(per_minute, DAY0, 0) == [] and pace.milestones(np.array([]), DAY0, 100) == []


def test_milestone_steps_are_round_and_about_ten_a_day():
    assert pace.step_for(10_500_000) == 1_000_000
    assert pace.step_for(2_300_000) == 200_000
    assert pace.step_for(56_000) == 5_000
    assert pace.round_step(3_100_000, 3) == 1_000_000
    assert pace.step_for(0) == 0


def test_the_peak_is_the_busiest_minute_and_the_first_of_equals():
    peak = pace.peak(np.array([5, 9, 3, 9]), DAY0)
    assert (peak.lists, peak.at.strftime("%H:%M")) == (9, "00:01")
    assert pace.peak(np.zeros(4), DAY0) is None


def test_the_projection_follows_last_years_shape_and_waits_for_half_an_hour():
    last_year = np.r_[np.full(60, 100), np.full(60, 50)]  # 9000 in the day, 6000 in its first hour
    today = np.full(60, 130)  # 30% ahead of last year at the same minute
    assert pace.projection(today, last_year) == 9000 * 1.3
    assert pace.projection(today[:10], last_year) is None  # too early to say
    assert pace.projection(today, np.zeros(120)) is None  # no last year to follow
