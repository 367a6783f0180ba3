"""Both sides of a card in one photo. When the located card is a back whose barcode was read,
the photo is searched again with that card masked out; a second card that is the front of
the same issuer's document has its printed fields read too, so that they are checked
against the barcode."""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np

from idreader.pipeline.classify import classify
from idreader.pipeline.extract import extract_fields, value_lines
from idreader.pipeline.locate import locate_document
from idreader.pipeline.types import Document, FieldReading
from idreader.pipeline.visual import read_page

RING = 0.04  # share of the card's size: the band around it whose colour fills it


def other_side(
    frame: np.ndarray, first: Document, iin: str, country: str, today: dt.date
) -> list[FieldReading]:
    """The printed fields of the other card in ``frame``, if it is a front of issuer
    ``iin``; none otherwise."""
    second = locate_document(mask_out(frame, first.corners))
    if not second.edges_found:
        return []
    _, zone = read_page(second, [], None)
    named = classify(None, zone.texts(), country)
    if named.spec is None or named.spec.aamva_iin != iin or named.spec.side != "front":
        return []
    zone.read_again(value_lines(zone.items(), named.spec, country, [], layout=True))
    return extract_fields(zone.items(), named.spec, country, [], today, layout=True)


def mask_out(frame: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """``frame`` with the quadrilateral filled by the median colour of a ring around it."""
    quad = corners.astype(np.int32)
    size = max(float(np.ptp(corners[:, 0])), float(np.ptp(corners[:, 1])))
    inside = np.zeros(frame.shape[:2], np.uint8)
    cv2.fillConvexPoly(inside, quad, 255)
    grow = max(3, round(RING * size))
    ring = cv2.dilate(inside, np.ones((grow, grow), np.uint8)) > inside
    colour = np.median(frame[ring], axis=0) if ring.any() else np.median(frame, axis=(0, 1))
    masked = frame.copy()
    masked[cv2.dilate(inside, np.ones((5, 5), np.uint8)) > 0] = colour.astype(frame.dtype)
    return masked
