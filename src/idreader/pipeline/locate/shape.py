"""Corner order and document proportions (ID-1 85.60 x 53.98 mm, ID-2 105 x 74, ID-3 125 x 88)."""

from __future__ import annotations

import numpy as np

from idreader.mrz.formats import formats

ID1_ASPECT = 85.60 / 53.98
ID3_ASPECT = 125 / 88  # ID-2 (105 x 74) is the same to 0.01
FORMAT_ASPECTS = {"ID-1": ID1_ASPECT, "ID-2": 105 / 74, "ID-3": ID3_ASPECT}
FORMAT_WIDTHS_MM = {"ID-1": 85.60, "ID-2": 105.0, "ID-3": 125.0}
TIGHT_SCAN = 0.04  # a frame this close (relatively) to a format's proportions is a tight scan
# proportions after undoing perspective: a portrait photo (35 x 45 mm, 1.29) stays out
MIN_ASPECT, MAX_ASPECT = 1.33, 1.8


def order_corners(points: np.ndarray) -> np.ndarray:
    """Order four points TL, TR, BR, BL (clockwise from the one nearest the top left)."""
    pts = points.reshape(4, 2).astype(np.float32)
    centre = pts.mean(axis=0)
    pts = pts[np.argsort(np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0]))]
    return np.roll(pts, -int(np.argmin(pts.sum(axis=1))), axis=0)


def true_aspect(quads: np.ndarray, width: int, height: int) -> np.ndarray:
    """Long/short side ratio of the rectangle imaged as each quad (..., 4, 2, corners in cyclic
    order), undoing perspective as in Zhang & He's whiteboard scanner with the principal point
    at the frame's centre. Where the quad does not tell the focal length (a pair of parallel
    sides), a normal lens is assumed: focal length = the frame's longer side."""
    m = np.concatenate(
        [quads - [(width - 1) / 2, (height - 1) / 2], np.ones((*quads.shape[:-1], 1))], -1
    )
    m1, m2, m4, m3 = (m[..., k, :] for k in range(4))
    x14 = np.cross(m1, m4)
    side = max(width, height)
    with np.errstate(all="ignore"):
        k2 = (x14 * m3).sum(-1) / (np.cross(m2, m4) * m3).sum(-1)
        k3 = (x14 * m2).sum(-1) / (np.cross(m3, m4) * m2).sum(-1)
        n2, n3 = k2[..., None] * m2 - m1, k3[..., None] * m3 - m1
        f2 = -(n2[..., :2] * n3[..., :2]).sum(-1) / (n2[..., 2] * n3[..., 2])
        len2, len3 = (n2[..., :2] ** 2).sum(-1), (n3[..., :2] ** 2).sum(-1)
        f2 = np.where((f2 > (0.2 * side) ** 2) & (f2 < (20 * side) ** 2), f2, side**2)
        ratio = np.sqrt((len2 / f2 + n2[..., 2] ** 2) / (len3 / f2 + n3[..., 2] ** 2))
        ratio = np.where(np.isfinite(ratio) & (ratio > 0), ratio, 1.0)
    return np.maximum(ratio, 1 / ratio)


def frame_aspect(shape: tuple[int, ...]) -> float:
    """Long over short side of an image of ``shape`` (h, w, ...)."""
    return max(shape[:2]) / min(shape[:2])


def format_width_mm(size: str | None, mrz_format: str | None = None) -> float:
    """Physical width of the document: of its catalogue size, else its MRZ's, else ID-1's."""
    size = size or (formats()[mrz_format].size if mrz_format in formats() else None)
    return FORMAT_WIDTHS_MM.get(size or "", FORMAT_WIDTHS_MM["ID-1"])


def frame_is_document(shape: tuple[int, ...]) -> bool:
    """Whether a frame without document edges is the document itself (a tight scan) rather
    than a photo the document could not be found in: it has a document's proportions."""
    aspect = frame_aspect(shape)
    return any(abs(aspect / a - 1) < TIGHT_SCAN for a in FORMAT_ASPECTS.values())


def aspect_misfit(aspect: np.ndarray | float) -> np.ndarray:
    """Distance of a long/short ratio from the nearest document format's."""
    return np.minimum(np.abs(aspect - ID3_ASPECT), np.abs(aspect - ID1_ASPECT))


def document_shaped(corners: np.ndarray, frame_size: tuple[int, int] | None = None) -> bool:
    """Whether a quadrilateral (TL, TR, BR, BL) is in the proportion of an ID-1, ID-2 or ID-3
    document, either way round, once perspective is undone. frame_size is (width, height) of
    the photo (its centre is taken for the camera's axis); by default the quad's own box."""
    quad = np.asarray(corners, np.float64).reshape(4, 2)
    if frame_size is None:
        lo, hi = quad.min(axis=0), quad.max(axis=0)
        quad, frame_size = quad - lo, (int(hi[0] - lo[0]) + 1, int(hi[1] - lo[1]) + 1)
    return bool(MIN_ASPECT <= true_aspect(quad, *frame_size) <= MAX_ASPECT)
