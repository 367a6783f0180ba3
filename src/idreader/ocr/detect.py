"""Text-line detection (DB segmentation): oriented boxes of text in any direction."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from idreader.ocr.models import DETECTOR, Model, session

THRESHOLD = 0.3  # pixel probability of text
BOX_THRESHOLD = 0.5  # mean probability inside a kept box
UNCLIP = 1.6  # DB shrinks text regions; grow them back by area * UNCLIP / perimeter
MIN_SIDE = 3


@dataclass(frozen=True)
class TextBox:
    """An oriented text region: centre, size along/across the text, angle (OpenCV rect)."""

    rect: tuple[tuple[float, float], tuple[float, float], float]
    score: float

    @property
    def corners(self) -> np.ndarray:
        return cv2.boxPoints(self.rect)

    @property
    def length(self) -> float:
        return max(self.rect[1])

    @property
    def thickness(self) -> float:
        return min(self.rect[1])


def prepare(bgr: np.ndarray, side: int) -> tuple[np.ndarray, float, float]:
    h, w = bgr.shape[:2]
    scale = side / max(h, w)
    nh, nw = max(32, round(h * scale / 32) * 32), max(32, round(w * scale / 32) * 32)
    resized = cv2.resize(
        bgr, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    )
    x = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
    return x.transpose(2, 0, 1)[None], w / nw, h / nh


def detect_text(bgr: np.ndarray, side: int = 640, model: Model = DETECTOR) -> list[TextBox]:
    """Text boxes in ``bgr``'s pixel coordinates; ``side`` is the model's input size."""
    x, sx, sy = prepare(bgr, side)
    prob = session(model).run(None, {"x": x})[0][0, 0]
    mask = cv2.dilate((prob > THRESHOLD).astype(np.uint8), np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for contour in contours:
        if len(contour) < 4:
            continue
        (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
        if min(w, h) < MIN_SIDE:
            continue
        score = region_score(prob, contour)
        if score < BOX_THRESHOLD:
            continue
        grow = w * h * UNCLIP / (2 * (w + h))
        rect = ((cx * sx, cy * sy), ((w + 2 * grow) * sx, (h + 2 * grow) * sy), angle)
        if abs(sx - sy) > 1e-3 and abs(angle % 90) > 1:  # anisotropic scale: refit the corners
            pts = cv2.boxPoints(((cx, cy), (w + 2 * grow, h + 2 * grow), angle))
            rect = cv2.minAreaRect((pts * [sx, sy]).astype(np.float32))
        boxes.append(TextBox(rect, score))
    return boxes


def region_score(prob: np.ndarray, contour: np.ndarray) -> float:
    x, y, w, h = cv2.boundingRect(contour)
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [contour.reshape(-1, 2) - [x, y]], 1)
    return float(cv2.mean(prob[y : y + h, x : x + w], mask)[0])
