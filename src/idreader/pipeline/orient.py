"""Orient stage: turn the rectified document upright (0/90/180/270 degrees). The MRZ's
reading direction decides when there is one; otherwise the direction of the printed text:
lines lie along the document's width, and read fluently only the right way up."""

from __future__ import annotations

import cv2
import numpy as np

from idreader.mrz.read import MrzResult, reading_corners
from idreader.ocr.detect import detect_text
from idreader.ocr.recognise import crop_line, recognise
from idreader.pipeline.types import Document

DETECT_SIDE = 480
PROBE_LINES = 4  # longest lines read both ways up to judge the direction
PROBE_WIDTH = 320  # px of each probe strip (its start): enough to judge, cheap to read
ROTATIONS = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}


def document_matrix(document: Document) -> np.ndarray:
    """Input-image pixels -> rectified-document pixels."""
    h, w = document.pixels.shape[:2]
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return cv2.getPerspectiveTransform(document.corners.astype(np.float32), target)


def turns_from_mrz(document: Document, mrz: MrzResult) -> int:
    """Clockwise quarter turns that make the MRZ read left to right."""
    ends = mrz.corners[:2].reshape(-1, 1, 2).astype(np.float32)
    (a, b) = cv2.perspectiveTransform(ends, document_matrix(document)).reshape(2, 2)
    angle = np.degrees(np.arctan2(b[1] - a[1], b[0] - a[0]))  # 0: already reading rightwards
    return round(float(-angle) / 90) % 4


def turns_from_text(pixels: np.ndarray) -> int:
    """Clockwise quarter turns that make the printed text upright (0 when unsure)."""
    boxes = sorted(detect_text(pixels, DETECT_SIDE), key=lambda b: -b.length)[:PROBE_LINES]
    boxes = [b for b in boxes if b.length >= 3 * b.thickness]
    if not boxes:
        return 0
    fluency = {}
    for flip in (False, True):
        corners = [reading_corners(b, flip) for b in boxes]
        strips = [crop_line(pixels, c)[:, :PROBE_WIDTH] for c in corners]
        fluency[flip] = float(np.mean([ln.confidence for ln in recognise(strips)]))
    flip = fluency[True] > fluency[False]
    tl, tr = reading_corners(boxes[0], flip)[:2]
    angle = np.degrees(np.arctan2(tr[1] - tl[1], tr[0] - tl[0]))
    return round(float(-angle) / 90) % 4


def turn(document: Document, turns: int) -> Document:
    """The document turned ``turns`` quarter turns clockwise; corners follow, so that the
    first corner stays the upright document's top-left."""
    if turns % 4 == 0:
        return document
    pixels = cv2.rotate(document.pixels, ROTATIONS[turns % 4])
    corners = np.roll(document.corners, turns % 4, axis=0)
    return Document(corners, pixels, document.edges_found, document.width_mm)
