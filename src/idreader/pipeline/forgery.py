"""Forgery signals. First signal: a greyscale copy or print of a colour document."""

from __future__ import annotations

from idreader.pipeline.quality import COLORNESS, SCREEN_CAPTURE
from idreader.pipeline.types import ERROR

BLACK_WHITE_PRINT = "black_white_print"
SCREEN_CAPTURE_REASON = "screen_capture"


def detect_forgery(quality: dict[int, int]) -> list[str]:
    """Reasons the document looks like a copy; an empty list means pass."""
    reasons = []
    if quality.get(COLORNESS) == ERROR:
        reasons.append(BLACK_WHITE_PRINT)
    if quality.get(SCREEN_CAPTURE) == ERROR:
        reasons.append(SCREEN_CAPTURE_REASON)
    return reasons
