"""Forgery signals: the document is a copy (black-and-white print, screen, colour print)."""

from __future__ import annotations

from idreader.pipeline.copies import CopyScores

BLACK_WHITE_PRINT = "black_white_print"
SCREEN_CAPTURE_REASON = "screen_capture"
PRINTED_COPY = "printed_copy"


def detect_forgery(copies: CopyScores) -> list[str]:
    """Reasons the document looks like a copy; an empty list means pass."""
    found = {
        BLACK_WHITE_PRINT: copies.black_white,
        SCREEN_CAPTURE_REASON: copies.screen_capture,
        PRINTED_COPY: copies.printed_copy,
    }
    return [reason for reason, seen in found.items() if seen]
