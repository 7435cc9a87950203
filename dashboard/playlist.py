"""A wall's playlist: read and checked here; the page turns it by the clock
(assets/wall/wall.js), so every wall running the same playlist shows the same slide."""

from __future__ import annotations

from base.config import Slide

__all__ = ["DEFAULT_DWELL", "PlaylistError", "Slide", "parse"]

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
