"""What the wall's panels read the same way: durations, and the manual-review
rule's target and colour (the live rule's thresholds, edits included)."""

from __future__ import annotations

from core.live import Screen, Waiting
from core.text import text

REVIEW = "review_oldest_hours"  # the manual-review rule's signal


def fmt_duration(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f}{text('seconds_short', lang)}"
    if seconds < 3600:
        return f"{seconds / 60:.0f}{text('minutes_short', lang)}"
    return f"{seconds / 3600:.1f}{text('hours_short', lang)}"


def review_level(w: Waiting, s: Screen) -> str:
    """The oldest waiting list's colour at the rule's thresholds; "" with none waiting."""
    return "" if w.oldest_age_s is None else s.limits.level(REVIEW, w.oldest_age_s / 3600)


def review_target_s(s: Screen) -> float | None:
    """The manual-review target: the rule's critical threshold (half a working day as shipped), if any."""
    hours = s.limits.threshold(REVIEW, "critical") or s.limits.threshold(REVIEW, "warning")
    return hours * 3600 if hours else None
