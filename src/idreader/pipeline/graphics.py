"""Graphic fields: image crops of the upright document returned as bounded-size JPEGs.

"Document Front" is the whole page; "Portrait" and "Ghost Portrait" come from the portrait
stage (``portrait.find_portraits``); "Signature" from the catalogue entry's layout box, else
from the ink strokes next to a printed signature label.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from idreader.catalogue import DocumentSpec
from idreader.fields import find_label
from idreader.pipeline.pixels import Box, crop_box, resize_to_width
from idreader.pipeline.portrait import (
    GHOST_PORTRAIT_FIELD,
    PORTRAIT_FIELD,
    Portraits,
    layout_box,
)
from idreader.pipeline.types import Document
from idreader.pipeline.visual import TextItem

JPEG_QUALITY = 85
# graphic-field-types.tsv names
DOCUMENT_FRONT_FIELD, SIGNATURE_FIELD = "Document Front", "Signature"

# Where a signature is sought around its label, in shares of the page: below, above or right
# of it, at most SIGN_REACH_X wide from the label's left edge (or its right edge, for right)
# and SIGN_REACH_Y high; the synthetic documents sign 0.08-0.16 of the page high, up to 0.37
# wide, under, over or beside labels, left-aligned or centred on them.
SIGN_REACH_X, SIGN_REACH_Y = 0.45, 0.18
SIGN_SLACK_X = 0.08  # the signature may start this far left of its label
INK_SIDE = 1000  # px: the page's width at which ink is measured (the rectified width)
INK_KERNEL = 15  # px at INK_SIDE: ink strokes are thinner than this
# Grey levels an ink stroke is darker than the paper around it (black-hat): the synthetic
# pens' strokes measured a median of 130-190, paper and guilloche line work at most 26.
INK_CONTRAST = 70
INK_JOIN = (31, 11)  # px at INK_SIDE: strokes this close are one signature
# Ink of a signature, as a share of the page: synthetic signatures measured 0.0018-0.009;
# less is a speck or a stray line.
MIN_INK_SHARE = 0.001
# A printed line (left out of the ink) is read surely and is no taller than printed text:
# the OCR reads signatures as garbage ("MMWM") at a confidence of 0.47-0.96 and finds them
# 1.5-3.4 times the page's median line height tall.
PRINTED_CONFIDENCE = 0.9
PRINTED_HEIGHT = 1.4  # median line heights
INK_PAD = 0.01  # share of the page added around the ink


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


def crop_graphics(
    document: Document,
    items: Sequence[TextItem],
    spec: DocumentSpec | None,
    portraits: Portraits,
    max_side: int,
    *,
    layout: bool = True,
) -> dict[str, bytes]:
    """The graphic fields of the upright ``document`` as JPEGs, by graphic field name.
    ``items``: its text lines; ``portraits``: the portrait stage's answer; ``layout``:
    whether the page is the document, so that ``spec``'s boxes apply."""
    pixels = document.pixels
    boxes = {
        PORTRAIT_FIELD: portraits.portrait,
        GHOST_PORTRAIT_FIELD: portraits.ghost,
        SIGNATURE_FIELD: signature_box(pixels, items, spec if layout else None),
    }
    images = {DOCUMENT_FRONT_FIELD: encode_jpeg(pixels, max_side)}
    for name, box in boxes.items():
        crop = crop_box(pixels, box) if box else None
        if crop is not None:
            images[name] = encode_jpeg(crop, max_side)
    return images


def signature_box(
    pixels: np.ndarray, items: Sequence[TextItem], spec: DocumentSpec | None
) -> Box | None:
    """The signature: the ink in the catalogue's layout box (the box itself when it holds
    none), else the most ink next to a printed signature label; None without either."""
    box = layout_box(spec, SIGNATURE_FIELD)
    areas = [box] if box else signature_areas(items, spec)
    if not areas:
        return None
    ink = ink_map(pixels, printed_lines(items))
    found = [b for b in (ink_box(ink, a) for a in areas) if b]
    return max(found, key=lambda b: ink_in(ink, b), default=box)


def printed_lines(items: Sequence[TextItem]) -> list[TextItem]:
    """The text lines that are print, not handwriting."""
    if not items:
        return []
    usual = float(np.median([it.height for it in items]))
    return [
        it
        for it in items
        if it.confidence >= PRINTED_CONFIDENCE and it.height <= PRINTED_HEIGHT * usual
    ]


def signature_labels(items: Sequence[TextItem], spec: DocumentSpec | None) -> list[TextItem]:
    """Lines that start with a signature label ("Signature", "Firma", "Unterschrift"...)."""
    country = spec.country if spec else None
    languages = spec.languages if spec else ()
    labels = []
    for item in items:
        match = find_label(item.text, country=country, languages=languages)
        named = match is not None and SIGNATURE_FIELD in (match.field, *match.alternatives)
        if named and match.start == 0 and any(c.isalpha() for c in match.label):
            labels.append(item)
    return labels


def signature_areas(items: Sequence[TextItem], spec: DocumentSpec | None) -> list[Box]:
    """Where a signature may stand around each signature label: below, above, right."""
    areas = []
    for label in signature_labels(items, spec):
        x0, y0, x1, y1 = label.box
        left, right = x0 - SIGN_SLACK_X, max(x1, x0 + SIGN_REACH_X)
        areas += [
            (left, y1, right, y1 + SIGN_REACH_Y),
            (left, y0 - SIGN_REACH_Y, right, y0),
            (x1, y0 - SIGN_REACH_Y / 2, x1 + SIGN_REACH_X, y1 + SIGN_REACH_Y / 2),
        ]
    return [clip(a) for a in areas]


def clip(box: Box) -> Box:
    return (max(0.0, box[0]), max(0.0, box[1]), min(1.0, box[2]), min(1.0, box[3]))


def pixel_rect(box: Box, shape: tuple[int, ...]) -> tuple[slice, slice]:
    """Rows and columns of an image that a relative box covers."""
    h, w = shape[:2]
    rows = slice(max(0, int(box[1] * h)), max(0, int(np.ceil(box[3] * h))))
    return rows, slice(max(0, int(box[0] * w)), max(0, int(np.ceil(box[2] * w))))


def ink_map(pixels: np.ndarray, printed: Sequence[TextItem]) -> np.ndarray:
    """1 where the page, INK_SIDE px wide, has a dark stroke on lighter paper (morphological
    black-hat: thinner than INK_KERNEL, INK_CONTRAST darker); printed lines left out."""
    grey = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY) if pixels.ndim == 3 else pixels
    grey = resize_to_width(grey, INK_SIDE)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (INK_KERNEL, INK_KERNEL))
    ink = (cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, kernel) > INK_CONTRAST).astype(np.uint8)
    for item in printed:
        ink[pixel_rect(item.box, ink.shape)] = 0
    return ink


def ink_box(ink: np.ndarray, area: Box) -> Box | None:
    """The bounds of the largest group of strokes in ``area``, padded; None when it holds
    too little ink."""
    rows, cols = pixel_rect(area, ink.shape)
    mask = ink[rows, cols]
    if mask.size == 0:
        return None
    joined = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, INK_JOIN))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined)
    amounts = np.bincount(labels.ravel(), weights=mask.ravel(), minlength=count)[1:]
    if not len(amounts) or amounts.max() < MIN_INK_SHARE * ink.size:
        return None
    x, y, w, h = stats[1 + int(np.argmax(amounts)), :4]
    height, width = ink.shape
    x0, y0 = cols.start + x, rows.start + y
    return clip(
        (
            x0 / width - INK_PAD,
            y0 / height - INK_PAD,
            (x0 + w) / width + INK_PAD,
            (y0 + h) / height + INK_PAD,
        )
    )


def ink_in(ink: np.ndarray, box: Box) -> int:
    """Ink pixels inside a box (to choose between the areas around labels)."""
    return int(ink[pixel_rect(box, ink.shape)].sum())
