"""Image-quality checks (ImageQualityCheckType codes of the contract).

Each check is measured on the located document; thresholds are module constants documented
in the README. Checks without a measurement yet answer NOT_DONE rather than guess.
"""

from __future__ import annotations

import cv2
import numpy as np

from idreader.pipeline.types import ERROR, NOT_DONE, OK, Document

GLARES, FOCUS, RESOLUTION, COLORNESS, PERSPECTIVE, BOUNDS, SCREEN_CAPTURE, PORTRAIT = range(8)

GLARE_MAX_SHARE = 0.01  # share of the document that is blown-out highlight
FOCUS_MIN_SHARPNESS = 60.0  # variance of the Laplacian at a 1000 px wide document
MIN_DPI = 150.0
COLOUR_MIN_SHARE = 0.03  # share of pixels with clear chroma for a colour document
PERSPECTIVE_MAX_DEG = 5.0
BOUNDS_MARGIN = 0.005  # corners this close to the frame edge count as cut


def glare_share(pixels: np.ndarray) -> float:
    hsv = cv2.cvtColor(pixels, cv2.COLOR_BGR2HSV)
    blown = (hsv[..., 2] >= 250) & (hsv[..., 1] <= 25)
    return float(blown.mean())


def sharpness(pixels: np.ndarray) -> float:
    grey = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    grey = cv2.resize(grey, (1000, max(1, round(1000 * grey.shape[0] / grey.shape[1]))))
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def colour_share(pixels: np.ndarray) -> float:
    lab = cv2.cvtColor(pixels, cv2.COLOR_BGR2LAB).astype(np.int16)
    chroma = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    return float((chroma > 12).mean())


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


def touches_frame(corners: np.ndarray, shape: tuple[int, ...]) -> bool:
    h, w = shape[:2]
    mx, my = BOUNDS_MARGIN * w, BOUNDS_MARGIN * h
    xs, ys = corners[:, 0], corners[:, 1]
    return bool(
        (xs <= mx).any() or (xs >= w - 1 - mx).any() or (ys <= my).any() or (ys >= h - 1 - my).any()
    )


def is_colour(pixels: np.ndarray) -> bool:
    return colour_share(pixels) >= COLOUR_MIN_SHARE


def check_quality(document: Document, frame_shape: tuple[int, ...]) -> dict[int, int]:
    doc = document.pixels
    located = document.edges_found
    return {
        GLARES: ERROR if glare_share(doc) > GLARE_MAX_SHARE else OK,
        FOCUS: OK if sharpness(doc) >= FOCUS_MIN_SHARPNESS else ERROR,
        RESOLUTION: OK if effective_dpi(document) >= MIN_DPI else ERROR,
        COLORNESS: OK if is_colour(doc) else ERROR,
        PERSPECTIVE: (
            OK if max_corner_deviation_deg(document.corners) <= PERSPECTIVE_MAX_DEG else ERROR
        )
        if located
        else NOT_DONE,
        BOUNDS: (ERROR if touches_frame(document.corners, frame_shape) else OK)
        if located
        else NOT_DONE,
        SCREEN_CAPTURE: NOT_DONE,
        PORTRAIT: NOT_DONE,
    }
