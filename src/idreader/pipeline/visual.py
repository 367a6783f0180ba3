"""Read the visual zone: every printed text line of the upright, rectified document, with its
place on the document (relative coordinates) so that labels, layouts and values can be
matched by position."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from idreader.mrz.read import MrzResult, reading_corners
from idreader.ocr.detect import TextBox, detect_text
from idreader.ocr.models import RECOGNISER, TINY_DETECTOR, TINY_RECOGNISER, Model
from idreader.ocr.recognise import TextLine, crop_line, recognise
from idreader.pipeline.orient import (
    mrz_quad,
    outside,
    turn,
    turn_boxes,
    turns_from_mrz,
    turns_from_text,
)
from idreader.pipeline.types import Document

DETECT_SIDE = 640  # the MRZ's: one detection serves both when the frame is the document
MAX_TILT = 15.0  # degrees; the document is upright, so text lines are about horizontal
MIN_HEIGHT_SHARE = 0.012  # of the document's height: smaller boxes are specks
SHORT_BOX = 1.6  # boxes less elongated than this hold a character or two
STRIP_PAD = 0.6  # crop_line's default margin along the line, in line heights
BATCH = 8  # strips recognised together, of about the same width
MAX_PADDING = 0.1  # of a batch's narrowest strip's width
SURE_LINE = 0.98  # mean glyph probability of a line the fast recogniser read surely
MAX_REREAD = 12  # lines read again, the least sure first: a bounded cost on text-dense pages


@dataclass(frozen=True)
class TextItem:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as shares of width and height
    confidence: float
    char_x: tuple[float, ...] = ()  # each character's centre, as a share of the page width
    line: int = -1  # which of its zone's lines it is

    def part(self, x0: float, x1: float) -> str:
        """The characters standing between x0 and x1 (shares of the page width)."""
        if len(self.char_x) != len(self.text):
            return self.text
        kept = "".join(c for c, x in zip(self.text, self.char_x, strict=True) if x0 <= x <= x1)
        return " ".join(kept.split())

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


@dataclass
class VisualZone:
    """The text lines of an upright page, read by the fast recogniser; the finer one reads
    again, on demand, the lines the fast one doubted."""

    strips: list[np.ndarray]
    quads: list[np.ndarray]
    lines: dict[int, TextLine]
    shape: tuple[int, int]  # the page's height and width
    reread: set[int] = field(default_factory=set)

    def items(self) -> list[TextItem]:
        """The lines with text, top to bottom."""
        h, w = self.shape
        items = [item_of(self.lines[i], q, w, h, i) for i, q in enumerate(self.quads)]
        items = [it for it in items if it.text]
        return sorted(items, key=lambda it: (round(it.box[1], 2), it.box[0]))

    def texts(self) -> list[str]:
        return [item.text for item in self.items()]

    def read_again(self, which: Iterable[int], limit: int = MAX_REREAD) -> bool:
        """Read the unsure ones of these lines again with the finer recogniser, the least
        sure first, at most ``limit`` of them; whether any text changed."""
        unsure = sorted(
            (self.lines[i].confidence, i)
            for i in set(which) - self.reread
            if self.lines[i].confidence < SURE_LINE
        )
        chosen = [i for _, i in unsure[:limit]]
        self.reread.update(chosen)
        again = recognise_all(self.strips, chosen, RECOGNISER)
        changed = any(again[i].text != self.lines[i].text for i in chosen)
        self.lines |= again
        return changed


def read_zone(document: np.ndarray, boxes: list[TextBox] | None = None) -> VisualZone:
    """Every horizontal text line of an upright document image, read by the fast
    recogniser; ``boxes`` are its text lines when already detected."""
    h, w = document.shape[:2]
    quads = []
    if boxes is None:
        boxes = detect_text(document, DETECT_SIDE, TINY_DETECTOR)
    for box in boxes:
        corners = horizontal_corners(box)
        if corners is not None and box.thickness >= MIN_HEIGHT_SHARE * h:
            quads.append(corners)
    strips = [crop_line(document, q) for q in quads]
    lines = recognise_all(strips, range(len(strips)), TINY_RECOGNISER)
    return VisualZone(strips, quads, lines, (h, w))


def read_text(document: np.ndarray, boxes: list[TextBox] | None = None) -> list[TextItem]:
    """All horizontal text lines of an upright document image, top to bottom, the least
    sure of them read again by the finer recogniser."""
    zone = read_zone(document, boxes)
    zone.read_again(zone.lines)
    return zone.items()


def recognise_all(
    strips: list[np.ndarray], which: Iterable[int], model: Model
) -> dict[int, TextLine]:
    """Lines read from the chosen strips, batched by width to limit padding (no glyph's
    alternatives: only the MRZ weighs them)."""
    lines: dict[int, TextLine] = {}
    for chunk in batches(sorted(which, key=lambda i: strips[i].shape[1]), strips):
        read = recognise([strips[i] for i in chunk], alternatives=0, model=model)
        lines.update(zip(chunk, read, strict=True))
    return lines


def batches(order: list[int], strips: list[np.ndarray]) -> list[list[int]]:
    """Strips ordered by width, in batches of at most BATCH whose narrowest is padded by
    at most MAX_PADDING of its width (padding costs as much as text to recognise)."""
    chunks: list[list[int]] = []
    narrowest = 0
    for i in order:
        width = strips[i].shape[1]
        if chunks and len(chunks[-1]) < BATCH and width <= narrowest * (1 + MAX_PADDING):
            chunks[-1].append(i)
        else:
            chunks.append([i])
            narrowest = width
    return chunks


def item_of(line: TextLine, quad: np.ndarray, w: int, h: int, index: int = -1) -> TextItem:
    """A recognised line on the page: its text, box and where each character stands."""
    glyphs = line.glyphs
    chars = [unicodedata.normalize("NFKC", g.char) for g in glyphs]  # full-width ':' -> ':'
    tl, tr, _, bl = quad
    length, height = float(np.linalg.norm(tr - tl)), float(np.linalg.norm(bl - tl))
    span = length + 2 * STRIP_PAD * height  # what crop_line's strip covers along the line
    xs = [(tl[0] - STRIP_PAD * height + g.x * span) / w for g in glyphs]
    text = "".join(chars)
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    x = [xs[k] for k, c in enumerate(chars) for _ in c][start:end]  # NFKC may lengthen a glyph
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    box = (float(x0 / w), float(y0 / h), float(x1 / w), float(y1 / h))
    return TextItem(text[start:end], box, line.confidence, tuple(map(float, x)), index)


def read_page(
    document: Document, text_boxes: list[TextBox], mrz: MrzResult | None
) -> tuple[Document, VisualZone]:
    """The upright document and its text lines (the MRZ's left out: read already).
    ``text_boxes`` were detected on the whole frame, which is the document unless its edges
    were found; then its text is detected anew."""
    boxes = text_boxes
    if document.edges_found:
        boxes = detect_text(document.pixels, DETECT_SIDE, TINY_DETECTOR)
    if mrz is not None:
        boxes = outside(boxes, mrz_quad(document, mrz))
    turns = turns_from_mrz(document, mrz) if mrz else turns_from_text(document.pixels, boxes)
    upright = turn(document, turns)
    return upright, read_zone(upright.pixels, turn_boxes(boxes, turns, document.pixels.shape))
