"""Locate stage: find the document's quadrilateral and warp it flat.

On a copy about WORK_SIDE px large, straight edges are found per band of gradient orientation
(`lines`); pairs of roughly parallel lines make candidate quads, scored by edge support, corners
and proportions once perspective is undone, the frame's borders standing in for cut sides
(`quads`). The winner's sides are fitted to the edge pixels, then to the colour step at full
resolution (`refine`). Without a candidate (a tight scan) the whole frame is the document.
"""

from __future__ import annotations

import cv2
import numpy as np

from idreader.pipeline.locate.lines import edge_map, find_lines, support_tables
from idreader.pipeline.locate.quads import Candidates, choose_quad
from idreader.pipeline.locate.refine import extend_cut, fit_edges, polish
from idreader.pipeline.locate.shape import (
    FORMAT_ASPECTS,
    ID1_ASPECT,
    ID3_ASPECT,
    aspect_misfit,
    document_shaped,
    format_width_mm,
    frame_aspect,
    frame_is_document,
    order_corners,
    true_aspect,
)
from idreader.pipeline.types import Document

__all__ = [
    "FORMAT_ASPECTS",
    "ID1_ASPECT",
    "ID3_ASPECT",
    "aspect_misfit",
    "document_shaped",
    "find_document_quad",
    "format_width_mm",
    "frame_aspect",
    "frame_is_document",
    "locate_document",
    "order_corners",
    "rectify",
    "true_aspect",
]

WORK_SIDE = 512  # lines are searched on a copy this size
RECTIFIED_WIDTH = 1000
POLISH_REACH = 1.5  # colour-step profile half-length, in small-copy pixels


def find_document_quad(pixels: np.ndarray) -> np.ndarray | None:
    """The document's corners TL, TR, BR, BL in input pixels (possibly outside the frame when
    the document is cut), or None when no document edge is visible."""
    if pixels.ndim == 2:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
    h, w = pixels.shape[:2]
    if min(h, w) < 32:
        return None
    scale = WORK_SIDE / max(h, w)
    small = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    edges, angle, lab = edge_map(small)
    frame_sides = np.array([[1, 0, 0], [1, 0, sw - 1], [0, 1, 0], [0, 1, sh - 1]], np.float64)
    lines = np.vstack([find_lines(edges, angle), frame_sides])
    border = np.arange(len(lines)) >= len(lines) - 4
    cands = Candidates(lines, border, support_tables(lines, edges, angle), sw, sh)
    best = choose_quad(cands, lab)
    if best is None:
        return None
    is_border = cands.is_border[best]
    quad = fit_edges(cands.corners[best], edges, angle, is_border)
    quad = (quad + 0.5) / scale - 0.5  # small-copy to input pixel centres
    quad = polish(pixels, quad, is_border, max(2.0, POLISH_REACH / scale))
    return order_corners(extend_cut(quad, is_border))


def rectify(pixels: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Warp the quad (TL, TR, BR, BL) to a RECTIFIED_WIDTH wide image in its true proportion
    (perspective undone), snapped to ID-1 when close."""
    tl, tr, br, bl = corners
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    aspect = float(true_aspect(np.asarray(corners, np.float64), pixels.shape[1], pixels.shape[0]))
    aspect = ID1_ASPECT if abs(aspect - ID1_ASPECT) < 0.12 else aspect
    out_w = RECTIFIED_WIDTH
    out_h = round(out_w / aspect if width >= height else out_w * aspect)
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(pixels, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR)


def locate_document(pixels: np.ndarray) -> Document:
    """The document found in a photo, rectified; the whole frame when no edge is visible."""
    quad = find_document_quad(pixels)
    if quad is not None:
        return Document(corners=quad, pixels=rectify(pixels, quad), edges_found=True)
    h, w = pixels.shape[:2]
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return Document(corners=frame, pixels=pixels, edges_found=False)
