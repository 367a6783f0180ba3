"""Small image operations the stages share: resizing to a width and cropping a relative box."""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as shares of the page


def resize_to_width(pixels: np.ndarray, width: int) -> np.ndarray:
    """The image resized to ``width`` px wide in its proportions (area-averaged when it
    shrinks, bilinear when it grows)."""
    h, w = pixels.shape[:2]
    interpolation = cv2.INTER_AREA if width < w else cv2.INTER_LINEAR
    return cv2.resize(pixels, (width, max(1, round(width * h / w))), interpolation=interpolation)


def crop_box(pixels: np.ndarray, box: Box) -> np.ndarray | None:
    """The pixels inside a relative box, or None when it holds less than a pixel's width."""
    h, w = pixels.shape[:2]
    x0, y0 = max(0, round(box[0] * w)), max(0, round(box[1] * h))
    x1, y1 = min(w, round(box[2] * w)), min(h, round(box[3] * h))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return pixels[y0:y1, x0:x1]
