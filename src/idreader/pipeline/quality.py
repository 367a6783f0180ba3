"""Image-quality checks (ImageQualityCheckType codes of the contract).

Each check is measured on the located document against a threshold of the settings
(``QualityThresholds``). Checks without a measurement yet answer NOT_DONE rather than guess.
"""

from __future__ import annotations

import cv2
import numpy as np

from idreader.config import QualityThresholds
from idreader.pipeline.copies import CopyScores
from idreader.pipeline.pixels import resize_to_width
from idreader.pipeline.types import ERROR, NOT_DONE, OK, Document

GLARES, FOCUS, RESOLUTION, COLORNESS, PERSPECTIVE, BOUNDS, SCREEN_CAPTURE, PORTRAIT = range(8)

MEASURE_WIDTH = 480  # glare is measured on the page at this width
GLARE_CLIP = 250  # a pixel whose darkest channel reaches this is blown out
GLARE_MIN_BLOB, GLARE_MAX_BLOB = 0.0005, 0.15  # of the page: a highlight, not the paper
OVEREXPOSED = 0.25  # of the page blown out: glare cannot be told from paper (not measured)
HALO_RISE = 0.25  # the ring around a highlight is this much of the way from paper to white
FOCUS_WIDTH = 250  # sharpness is measured at this width: blur that hurts reading shows there


def glare_share(pixels: np.ndarray) -> float | None:
    """Share of the page under specular highlights: blown-out blobs with a halo brighter than
    the paper around them (a white page area has none). None when so much of the page is
    blown out (overexposure, a photocopy) that highlights cannot be told from paper."""
    small = resize_to_width(pixels, MEASURE_WIDTH)
    clipped = (small.min(axis=2) >= GLARE_CLIP).astype(np.uint8)
    clipped = cv2.morphologyEx(clipped, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    if clipped.mean() > OVEREXPOSED:
        return None
    # the page's light without its print: closing removes dark text and lines
    light = cv2.morphologyEx(small.max(axis=2), cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(clipped, connectivity=8)
    glare = 0
    for i in range(1, count):
        area = int(stats[i, cv2.CC_STAT_AREA])
        if GLARE_MIN_BLOB * clipped.size <= area <= GLARE_MAX_BLOB * clipped.size:
            glare += area * has_halo(labels == i, light, area)
    return glare / clipped.size


def has_halo(blob: np.ndarray, light: np.ndarray, area: int) -> bool:
    """Whether the ring just around a blob is lit well above the ring beyond it."""
    reach = max(2, int(0.35 * np.sqrt(area)))
    blob = blob.astype(np.uint8)
    near = cv2.dilate(blob, np.ones((reach, reach), np.uint8)) > 0
    far = cv2.dilate(blob, np.ones((3 * reach, 3 * reach), np.uint8)) > 0
    inner, outer = near & ~blob.astype(bool), far & ~near
    if not inner.any() or not outer.any():
        return False
    lit, paper = float(light[inner].mean()), float(light[outer].mean())
    return lit - paper >= 3 and (lit - paper) / (256 - paper) >= HALO_RISE


def sharpness(pixels: np.ndarray) -> float:
    """Strongest edges (99th percentile of |Laplacian|) over the page's contrast, at a fixed
    width, so neither the image's size nor its exposure changes it."""
    grey = cv2.cvtColor(resize_to_width(pixels, FOCUS_WIDTH), cv2.COLOR_BGR2GRAY)
    edges = np.abs(cv2.Laplacian(grey.astype(np.float32), cv2.CV_32F))
    contrast = float(np.percentile(grey, 95) - np.percentile(grey, 5)) + 1
    return float(np.percentile(edges, 99)) / contrast


def effective_dpi(document: Document) -> float:
    tl, tr, br, bl = document.corners
    width_px = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    return float(width_px / (document.width_mm / 25.4))


def max_corner_deviation_deg(corners: np.ndarray) -> float:
    worst = 0.0
    for i in range(4):
        a, b, c = corners[i - 1], corners[i], corners[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
        worst = max(worst, abs(90.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))))
    return worst


def touches_frame(corners: np.ndarray, shape: tuple[int, ...], margin: float) -> bool:
    h, w = shape[:2]
    mx, my = margin * w, margin * h
    xs, ys = corners[:, 0], corners[:, 1]
    return bool(
        (xs <= mx).any() or (xs >= w - 1 - mx).any() or (ys <= my).any() or (ys >= h - 1 - my).any()
    )


def check_quality(
    document: Document,
    frame_shape: tuple[int, ...],
    copies: CopyScores,
    limits: QualityThresholds,
) -> dict[int, int]:
    """Every check but Portrait's (the portrait stage's); ``copies`` holds the screen and
    colour measurements (``copies.measure_copies``)."""
    doc, corners = document.pixels, document.corners
    glare = glare_share(doc)
    checks = {
        GLARES: NOT_DONE if glare is None else ERROR if glare > limits.glare_max_share else OK,
        FOCUS: OK if sharpness(doc) >= limits.focus_min else ERROR,
        RESOLUTION: OK if effective_dpi(document) >= limits.min_dpi else ERROR,
        COLORNESS: ERROR if copies.black_white else OK,
        PERSPECTIVE: NOT_DONE,  # without the document's edges, neither can be measured
        BOUNDS: NOT_DONE,
        SCREEN_CAPTURE: ERROR if copies.screen_capture else OK,
        PORTRAIT: NOT_DONE,
    }
    if document.edges_found:
        tilted = max_corner_deviation_deg(corners) > limits.perspective_max_deg
        checks[PERSPECTIVE] = ERROR if tilted else OK
        cut = touches_frame(corners, frame_shape, limits.bounds_margin)
        checks[BOUNDS] = ERROR if cut else OK
    return checks
