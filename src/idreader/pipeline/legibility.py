"""How legible a photo's print is: the share of its longest text lines' characters the tiny
recogniser reads with confidence. It tells which of several restorations of a blurred photo
reads best, where the blur's own estimate was unsure."""

from __future__ import annotations

import numpy as np

from idreader.ocr.detect import detect_text
from idreader.ocr.models import TINY_DETECTOR, TINY_RECOGNISER
from idreader.ocr.recognise import TextLine
from idreader.pipeline.orient import DETECT_SIDE, PROBE_LINES, PROBE_WIDTH, read_probes

MIN_CONFIDENCE = 0.5  # a line read less surely than this is guessed, not legible
CAPACITY = PROBE_LINES * PROBE_WIDTH / TINY_RECOGNISER.px_per_char  # characters the probes hold


def legibility(pixels: np.ndarray) -> float:
    """Confidence-weighted characters read on the longest lines, probed as the orient stage
    probes them, as a share of what the probes can hold (0 to about 1); each line is read
    both ways up (a photo may be upside down) and counted the way it reads better."""
    boxes = sorted(detect_text(pixels, DETECT_SIDE, TINY_DETECTOR), key=lambda b: -b.length)
    boxes = boxes[:PROBE_LINES]
    if not boxes:
        return 0.0
    reads = [read_probes(pixels, boxes, flip) for flip in (False, True)]
    return sum(max(legible(a), legible(b)) for a, b in zip(*reads, strict=True)) / CAPACITY


def legible(line: TextLine) -> float:
    """A line's characters weighted by its confidence; 0 below MIN_CONFIDENCE."""
    confidence = line.confidence
    return confidence * len(line.glyphs) if confidence >= MIN_CONFIDENCE else 0.0
