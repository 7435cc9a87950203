"""Which screen a wall shows now: a fixed screen, or a playlist rotated by the
clock, so every wall running the same playlist shows the same slide."""

from __future__ import annotations

from cbec.config import Slide

DEFAULT_DWELL = 30.0


class PlaylistError(ValueError):
    pass


def parse(text: str, screens: set[str]) -> tuple[Slide, ...]:
    """`city:30,bsq:20,lishe` (seconds; a slide without one dwells 30 s)."""
    slides = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        screen, _, dwell = part.partition(":")
        if screen not in screens:
            raise PlaylistError(f"unknown screen '{screen}' (known: {', '.join(sorted(screens))})")
        try:
            seconds = float(dwell) if dwell else DEFAULT_DWELL
        except ValueError:
            raise PlaylistError(f"dwell of '{screen}' is not a number of seconds: '{dwell}'") from None
        if seconds < 5:
            raise PlaylistError(f"dwell of '{screen}' must be at least 5 seconds")
        slides.append(Slide(screen, seconds))
    if not slides:
        raise PlaylistError("the playlist is empty")
    return tuple(slides)


def position(slides: tuple[Slide, ...], epoch_seconds: float) -> tuple[int, float]:
    """The slide shown at this moment and the seconds it still has."""
    cycle = sum(s.dwell_seconds for s in slides)
    t = epoch_seconds % cycle
    for i, s in enumerate(slides):
        if t < s.dwell_seconds:
            return i, s.dwell_seconds - t
        t -= s.dwell_seconds
    return len(slides) - 1, 0.0  # float rounding at the cycle's end
