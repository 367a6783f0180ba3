"""Graphic fields: image crops returned as bounded-size JPEGs."""

from __future__ import annotations

import cv2
import numpy as np

from idreader.pipeline.types import Document

JPEG_QUALITY = 85


def encode_jpeg(pixels: np.ndarray, max_side: int) -> bytes:
    h, w = pixels.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale < 1.0:
        pixels = cv2.resize(
            pixels, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA
        )
    ok, buf = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


def crop_graphics(document: Document, max_side: int) -> dict[str, bytes]:
    """Graphic field name (graphic-field-types.tsv) -> JPEG bytes."""
    return {"Document Front": encode_jpeg(document.pixels, max_side)}
