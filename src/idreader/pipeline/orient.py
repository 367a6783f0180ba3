"""Orient stage: turn the rectified document upright (0/90/180/270 degrees). The MRZ's
reading direction decides when there is one; otherwise the direction of the printed text:
lines lie along the document's width, and read fluently only the right way up."""

from __future__ import annotations

import cv2
import numpy as np

from idreader.mrz.read import MrzResult, reading_corners
from idreader.ocr.detect import TextBox, detect_text
from idreader.ocr.models import TINY_DETECTOR, TINY_RECOGNISER
from idreader.ocr.recognise import TextLine, crop_line, recognise
from idreader.pipeline.types import Document

DETECT_SIDE = 480
PROBE_LINES = 6  # longest lines read both ways up to judge the direction
PROBE_WIDTH = 320  # px of each probe strip (its start): enough to judge, cheap to read
FLUENT = 0.95  # probes read this surely are the right way up: text upside down never is
ROTATIONS = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}


def document_matrix(document: Document) -> np.ndarray:
    """Input-image pixels -> rectified-document pixels."""
    h, w = document.pixels.shape[:2]
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return cv2.getPerspectiveTransform(document.corners.astype(np.float32), target)


def to_frame(document: Document, points: np.ndarray) -> np.ndarray:
    """Rectified-document pixels -> input-image pixels."""
    back = np.linalg.inv(document_matrix(document))
    points = points.reshape(-1, 1, 2).astype(np.float64)
    return cv2.perspectiveTransform(points, back).reshape(-1, 2)


def mrz_quad(document: Document, mrz: MrzResult) -> np.ndarray:
    """The MRZ's corners in rectified-document pixels."""
    corners = mrz.corners.reshape(-1, 1, 2).astype(np.float32)
    return cv2.perspectiveTransform(corners, document_matrix(document)).reshape(-1, 2)


def outside(boxes: list[TextBox], quad: np.ndarray) -> list[TextBox]:
    """The boxes whose centre lies outside ``quad``."""
    contour = quad.astype(np.float32).reshape(-1, 1, 2)
    return [b for b in boxes if cv2.pointPolygonTest(contour, b.rect[0], False) < 0]


def turns_from_mrz(document: Document, mrz: MrzResult) -> int:
    """Clockwise quarter turns that make the MRZ read left to right."""
    ends = mrz.corners[:2].reshape(-1, 1, 2).astype(np.float32)
    (a, b) = cv2.perspectiveTransform(ends, document_matrix(document)).reshape(2, 2)
    angle = np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0]))  # 0: already reading rightwards
    return round(float(-angle) / 90) % 4


def turns_from_text(pixels: np.ndarray, text_boxes: list[TextBox] | None = None) -> int:
    """Clockwise quarter turns that make the printed text upright (0 when unsure);
    ``text_boxes`` are the image's text lines when already detected."""
    if text_boxes is None:
        text_boxes = detect_text(pixels, DETECT_SIDE, TINY_DETECTOR)
    lines = [b for b in text_boxes if b.length >= 3 * b.thickness]
    if not lines:
        return 0
    # the axis most of the text runs along (by length), then its longest lines as probes
    along_x = [abs(np.cos(np.radians(long_side_angle(b)))) >= 0.5 for b in lines]
    weight_x = sum(b.length for b, x in zip(lines, along_x, strict=True) if x)
    horizontal = weight_x >= sum(b.length for b in lines) / 2
    axis = [b for b, x in zip(lines, along_x, strict=True) if x == horizontal]
    boxes = sorted(axis, key=lambda b: -b.length)[:PROBE_LINES]
    fluency = {}
    for flip in (False, True):
        fluency[flip] = float(np.mean([ln.confidence for ln in read_probes(pixels, boxes, flip)]))
        if fluency[flip] >= FLUENT:
            break
    flip = fluency.get(True, 0.0) > fluency[False]
    angle = long_side_angle(boxes[0], flip)
    return round(float(-angle) / 90) % 4


def read_probes(pixels: np.ndarray, boxes: list[TextBox], flip: bool) -> list[TextLine]:
    """The start (PROBE_WIDTH px) of each box's line, read by the tiny recogniser; ``flip``
    reads it turned by 180 degrees."""
    strips = [crop_line(pixels, reading_corners(b, flip))[:, :PROBE_WIDTH] for b in boxes]
    return recognise(strips, alternatives=0, model=TINY_RECOGNISER)


def long_side_angle(box: TextBox, flip: bool = False) -> float:
    """Degrees of a box's long side against the x axis (read the other way when ``flip``)."""
    tl, tr = reading_corners(box, flip)[:2]
    return float(np.degrees(np.arctan2(tr[1] - tl[1], tr[0] - tl[0])))


def turn(document: Document, turns: int) -> Document:
    """The document turned ``turns`` quarter turns clockwise; corners follow, so that the
    first corner stays the upright document's top-left."""
    if turns % 4 == 0:
        return document
    pixels = cv2.rotate(document.pixels, ROTATIONS[turns % 4])
    corners = np.roll(document.corners, turns % 4, axis=0)
    return Document(corners, pixels, document.edges_found, document.width_mm)


def turn_boxes(boxes: list[TextBox], turns: int, shape: tuple[int, ...]) -> list[TextBox]:
    """Text boxes of an image of ``shape`` (h, w, ...), where they lie after ``turn``."""
    out = []
    for box in boxes:
        (x, y), size, angle = box.rect
        h, w = shape[:2]
        for _ in range(turns % 4):  # a clockwise quarter turn: (x, y) -> (h - 1 - y, x)
            x, y, h, w = h - 1 - y, x, w, h
            angle += 90
        out.append(TextBox(((x, y), size, angle), box.score))
    return out
