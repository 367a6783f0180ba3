"""Read the visual zone: every printed text line of the upright, rectified document, with its
place on the document (relative coordinates) so that labels, layouts and values can be
matched by position."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from idreader.mrz.read import reading_corners
from idreader.ocr.detect import TextBox, detect_text
from idreader.ocr.models import RECOGNISER, Model
from idreader.ocr.recognise import TextLine, crop_line, recognise

DETECT_SIDE = 960  # printed fields are small text: detect at a finer scale than the MRZ
MAX_TILT = 15.0  # degrees; the document is upright, so text lines are about horizontal
MIN_HEIGHT_SHARE = 0.012  # of the document's height: smaller boxes are specks
SHORT_BOX = 1.6  # boxes less elongated than this hold a character or two
BATCH = 8  # strips recognised together, sorted by width to limit padding


@dataclass(frozen=True)
class TextItem:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as shares of width and height
    confidence: float

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def centre(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2


def horizontal_corners(box: TextBox) -> np.ndarray | None:
    """TL, TR, BR, BL of a box whose long side is about horizontal, else None. A short box
    (one or two characters, "F", "90") is taken upright whatever its long side."""
    if box.length < SHORT_BOX * box.thickness:
        x0, y0 = box.corners.min(axis=0)
        x1, y1 = box.corners.max(axis=0)
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    corners = reading_corners(box)
    dx, dy = corners[1] - corners[0]
    if abs(np.degrees(np.arctan2(dy, dx))) > MAX_TILT:
        return None
    return corners


def read_text(document: np.ndarray, model: Model = RECOGNISER) -> list[TextItem]:
    """All horizontal text lines of an upright document image, top to bottom."""
    h, w = document.shape[:2]
    quads = []
    for box in detect_text(document, DETECT_SIDE):
        corners = horizontal_corners(box)
        if corners is not None and box.thickness >= MIN_HEIGHT_SHARE * h:
            quads.append(corners)
    strips = [crop_line(document, q) for q in quads]
    order = sorted(range(len(strips)), key=lambda i: strips[i].shape[1])
    lines: dict[int, TextLine] = {}
    for k in range(0, len(order), BATCH):
        chunk = order[k : k + BATCH]
        for i, line in zip(chunk, recognise([strips[i] for i in chunk], model=model), strict=True):
            lines[i] = line
    items = []
    for i, quad in enumerate(quads):
        line = lines[i]
        text = unicodedata.normalize("NFKC", line.text).strip()  # full-width ':' '(' -> ASCII
        if not text:
            continue
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        box = (float(x0 / w), float(y0 / h), float(x1 / w), float(y1 / h))
        items.append(TextItem(text, box, line.confidence))
    return sorted(items, key=lambda it: (round(it.box[1], 2), it.box[0]))
