"""OCR-B evidence the general recogniser misses: digits are about 7 % taller than capital
letters, so the height of a glyph tells 0 from O, 1 from I, 8 from B, 5 from S and so on.

Where the measured height contradicts the recogniser, the other reading becomes an
alternative of the glyph (and the glyph is marked unsure); the check digits then decide.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from idreader.ocr.recognise import TextLine, crop_line

MEASURE_HEIGHT = 112  # px: line strip height used for measuring glyphs
DIGIT_TO_LETTER = {"0": "O", "1": "I", "8": "B", "5": "S", "2": "Z", "6": "G"}
LETTER_TO_DIGIT = {v: k for k, v in DIGIT_TO_LETTER.items()} | {"D": "0", "Q": "0"}
UNSURE = 0.5


def glyph_heights(strip: np.ndarray, line: TextLine) -> list[float | None]:
    grey = cv2.cvtColor(strip, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    w = strip.shape[1]
    xs = [g.x * w for g in line.glyphs]
    pitch = float(np.median(np.diff(xs))) if len(xs) > 2 else 0.0
    if pitch <= 2:
        return [None] * len(xs)
    heights: list[float | None] = []
    for x in xs:
        a, b = int(max(0, x - 0.4 * pitch)), int(min(w, x + 0.4 * pitch))
        rows = np.flatnonzero(ink[:, a:b].sum(axis=1) > 0)
        heights.append(float(rows[-1] - rows[0] + 1) if len(rows) > 2 else None)
    return heights


def reference(line: TextLine, heights: list[float | None], chars: str) -> float | None:
    values = [
        h
        for g, h in zip(line.glyphs, heights, strict=True)
        if h is not None and g.char in chars and g.prob > 0.9
    ]
    return float(np.median(values)) if len(values) >= 3 else None


def add_height_evidence(bgr: np.ndarray, corners: np.ndarray, line: TextLine) -> TextLine:
    strip = crop_line(bgr, corners, out_h=MEASURE_HEIGHT)
    heights = glyph_heights(strip, line)
    letters = reference(line, heights, "ACEFHJKMNPRTUVWXY")
    digits = reference(line, heights, "34679")
    if letters is None and digits is None:
        return line
    letters = letters or digits / 1.07
    digits = digits or letters * 1.07
    if digits - letters < 1.0:
        return line  # too small to tell apart
    glyphs = []
    for g, h in zip(line.glyphs, heights, strict=True):
        partner = DIGIT_TO_LETTER.get(g.char) or LETTER_TO_DIGIT.get(g.char)
        if h is None or partner is None:
            glyphs.append(g)
            continue
        z = (h - letters) / (digits - letters)  # 0: letter height, 1: digit height
        looks_digit = z > 0.5
        if looks_digit != g.char.isdigit() and abs(z - 0.5) > 0.2:
            others = ((partner, 1 - UNSURE), *g.alternatives)
            glyphs.append(replace(g, prob=min(g.prob, UNSURE), alternatives=others))
        else:
            glyphs.append(g)
    return TextLine(tuple(glyphs))
