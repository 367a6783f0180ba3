"""Edge map and straight lines: Hough transforms of colour (Lab) Canny edges, one per band of
gradient orientation so that a striped background cannot crowd out the document's sides."""

from __future__ import annotations

import math

import cv2
import numpy as np

CANNY = (30, 90)
ORIENTATION_BANDS = 6  # Hough transforms over 30 degree bands of gradient direction
BAND_MARGIN_DEG = 8  # edge pixels this far outside a band still vote in it
LINES_PER_BAND = 5
MIN_VOTES = 0.12  # of the small copy's shorter side
SAME_LINE_DEG, SAME_LINE_PX = 4.0, 6.0
BORDER_NEAR = 0.015  # lines this close to the frame border are the frame (a tight scan)
ALIGN_DEG = 25.0  # an edge pixel backs a side if its gradient is this close to the side's normal


def edge_map(small: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Canny edges of the Lab image, the colour gradient's direction (degrees 0..180) and Lab."""
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2LAB)
    edges = cv2.Canny(lab, *CANNY, L2gradient=True)
    channels = cv2.split(lab)
    gx = [cv2.Sobel(ch, cv2.CV_32F, 1, 0) for ch in channels]
    gy = [cv2.Sobel(ch, cv2.CV_32F, 0, 1) for ch in channels]
    # structure tensor summed over the channels (Di Zenzo's colour gradient)
    jxx = sum(x * x for x in gx)
    jyy = sum(y * y for y in gy)
    jxy = sum(x * y for x, y in zip(gx, gy, strict=True))
    angle = cv2.phase(jxx - jyy, 2 * jxy, angleInDegrees=True) / 2
    return edges, np.minimum(angle, 179.99), lab


def _distinct(
    found: list[tuple[float, float, float]], w: int, h: int, limit: int
) -> list[tuple[float, float, float]]:
    """(rho, theta, votes) strongest first, without repeats and lines along the frame border."""
    same_cos = math.cos(math.radians(SAME_LINE_DEG))
    kept: list[tuple[float, float, float]] = []
    for rho, theta, votes in found:
        c, s = math.cos(theta), math.sin(theta)
        if abs(s) < 0.05 and min(abs(rho), abs(abs(rho) - (w - 1))) < BORDER_NEAR * w + 2:
            continue
        if abs(c) < 0.05 and min(abs(rho), abs(abs(rho) - (h - 1))) < BORDER_NEAR * h + 2:
            continue
        for r2, t2, _ in kept:
            dot = c * math.cos(t2) + s * math.sin(t2)
            if abs(dot) > same_cos and abs(rho - math.copysign(r2, dot)) < SAME_LINE_PX:
                break
        else:
            kept.append((rho, theta, votes))
            if len(kept) == limit:
                break
    return kept


def find_lines(edges: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Lines (nx, ny, c) with n . p = c: the strongest few of each orientation band."""
    h, w = edges.shape
    degrees = angle.astype(np.uint8)
    codes = np.arange(256)
    found: list[tuple[float, float, float]] = []
    for band in range(ORIENTATION_BANDS):
        lo, hi = band * 180 / ORIENTATION_BANDS, (band + 1) * 180 / ORIENTATION_BANDS
        off = np.abs((codes - (lo + hi) / 2 + 90) % 180 - 90)
        table = np.where((off <= (hi - lo) / 2 + BAND_MARGIN_DEG) & (codes < 180), 255, 0)
        mask = cv2.bitwise_and(cv2.LUT(degrees, table.astype(np.uint8)), edges)
        got = cv2.HoughLinesWithAccumulator(
            mask,
            1,
            np.pi / 180,
            max(20, int(MIN_VOTES * min(h, w))),
            min_theta=math.radians(lo),
            max_theta=math.radians(hi),
        )
        if got is not None:
            found += _distinct([tuple(x) for x in got[:200, 0]], w, h, LINES_PER_BAND)
    found.sort(key=lambda line: -line[2])
    lines = [(math.cos(t), math.sin(t), r) for r, t, _ in _distinct(found, w, h, 1000)]
    return np.array(lines, np.float64).reshape(-1, 3)


def support_tables(
    lines: np.ndarray, edges: np.ndarray, angle: np.ndarray
) -> tuple[int, np.ndarray, np.ndarray]:
    """Per line, sampled 1 px apart at t = -diag..diag along it: cumulative counts of samples
    inside the frame and of samples on an edge pixel whose gradient is normal to the line."""
    h, w = edges.shape
    diag = int(math.hypot(h, w)) + 2
    t = np.arange(-diag, diag + 1, dtype=np.float64)
    nx, ny, c = (lines[:, k : k + 1] for k in range(3))
    xi = np.rint(c * nx - t * ny).astype(np.int64)
    yi = np.rint(c * ny + t * nx).astype(np.int64)
    inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    xi, yi = np.clip(xi, 0, w - 1), np.clip(yi, 0, h - 1)
    near = cv2.dilate(edges, np.ones((3, 3), np.uint8))[yi, xi] > 0
    normal = np.degrees(np.arctan2(ny, nx))
    aligned = np.abs((angle[yi, xi] - normal + 90) % 180 - 90) <= ALIGN_DEG
    zero = np.zeros((len(lines), 1))
    good = inside & near & aligned
    return diag, np.hstack([zero, inside.cumsum(1)]), np.hstack([zero, good.cumsum(1)])


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Crossing points of lines (nx, ny, c), elementwise over leading axes."""
    det = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    det = np.where(np.abs(det) < 1e-9, 1e-9, det)
    x = (a[..., 2] * b[..., 1] - a[..., 1] * b[..., 2]) / det
    y = (a[..., 0] * b[..., 2] - a[..., 2] * b[..., 0]) / det
    return np.stack([x, y], -1)
