"""Refinement of the chosen quad: sides fitted to the edge pixels, then to the colour step at
full resolution; sides cut off by the frame pushed out to the ID-1 proportion."""

from __future__ import annotations

import math

import cv2
import numpy as np

from idreader.pipeline.locate.lines import ALIGN_DEG, intersect
from idreader.pipeline.locate.shape import ID1_ASPECT

POLISH_SAMPLES = 48  # colour-step profiles across each side at full resolution


def _quad_from_lines(lines: list[np.ndarray]) -> np.ndarray:
    """Corners k = intersection of side lines k - 1 and k."""
    return np.stack([intersect(lines[k - 1], lines[k]) for k in range(4)])


def side(corners: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Side k of a quad (corner k to corner k + 1): its start, direction, normal, length."""
    a, b = corners[k], corners[(k + 1) % 4]
    length = max(float(np.linalg.norm(b - a)), 1e-9)
    d = (b - a) / length
    return a, d, np.array([-d[1], d[0]]), length


def fit_edges(
    corners: np.ndarray, edges: np.ndarray, angle: np.ndarray, is_border: np.ndarray
) -> np.ndarray:
    """Fit each document side to the edge pixels along it (robust, sub-pixel)."""
    ys, xs = np.nonzero(edges)
    pts = np.stack([xs, ys], 1).astype(np.float32)
    directions = angle[ys, xs]
    lines = []
    for k in range(4):
        a, d, n, length = side(corners, k)
        c = float(n @ a)
        t = (pts - a) @ d
        near = (np.abs(pts @ n - c) < 3.0) & (t > 0.03 * length) & (t < 0.97 * length)
        near_pts, near_dirs = pts[near], directions[near]
        for band in (3.0, 1.5) if not is_border[k] else ():
            normal = math.degrees(math.atan2(n[1], n[0]))
            sel = np.abs(near_pts @ n - c) < band
            sel &= np.abs((near_dirs - normal + 90) % 180 - 90) <= ALIGN_DEG
            if sel.sum() < 10:
                break
            vx, vy, x0, y0 = cv2.fitLine(
                near_pts[sel].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01
            )
            fitted = np.array([-vy[0], vx[0]], np.float64)
            n = fitted if fitted @ n >= 0 else -fitted
            c = float(n @ np.array([x0[0], y0[0]]))
        lines.append(np.array([n[0], n[1], c]))
    return _quad_from_lines(lines)


def polish(
    pixels: np.ndarray, corners: np.ndarray, is_border: np.ndarray, reach: float
) -> np.ndarray:
    """Move each document side onto the colour step of the full-resolution image (sub-pixel),
    then half a pixel inward: corners are the centres of the document's corner pixels."""
    h, w = pixels.shape[:2]
    centre = corners.mean(axis=0)
    offsets = np.arange(-reach, reach + 0.01, 0.5)
    lines = []
    for k in range(4):
        a, d, n, length = side(corners, k)
        n = n if n @ (a - centre) >= 0 else -n  # outward
        lines.append(np.array([n[0], n[1], n @ a]))
        if is_border[k]:
            continue
        pts = a + np.linspace(0.05, 0.95, POLISH_SAMPLES)[:, None] * length * d
        grid = pts[:, None, :] + offsets[None, :, None] * n
        keep = ((grid >= 0) & (grid <= [w - 1, h - 1])).all(axis=(1, 2))
        if keep.sum() < 8:
            continue
        pts, grid = pts[keep], grid[keep].astype(np.float32)
        profiles = cv2.remap(pixels, grid[..., 0], grid[..., 1], cv2.INTER_LINEAR)
        profiles = cv2.cvtColor(cv2.GaussianBlur(profiles, (3, 1), 0), cv2.COLOR_BGR2LAB)
        step = np.linalg.norm(np.diff(profiles.astype(np.float32), axis=1), axis=2)
        rows, peak = np.arange(len(step)), step.argmax(axis=1)
        ok = (peak > 0) & (peak < step.shape[1] - 1)
        ok &= step[rows, peak] >= 0.5 * np.median(step[rows, peak])
        if ok.sum() < 8:
            continue
        rows, peak = rows[ok], peak[ok]
        left, mid, right = (step[rows, peak + j] for j in (-1, 0, 1))
        curve = left - 2 * mid + right
        frac = np.where(curve < 0, 0.5 * (left - right) / np.where(curve < 0, curve, -1), 0.0)
        u = offsets[peak] + 0.25 + 0.5 * np.clip(frac, -0.5, 0.5)  # step i lies between samples
        found = (pts[rows] + u[:, None] * n).astype(np.float32)
        vx, vy, x0, y0 = cv2.fitLine(found, cv2.DIST_HUBER, 0, 0.01, 0.01)
        m = np.array([-vy[0], vx[0]], np.float64)
        m = m if m @ n >= 0 else -m
        lines[k] = np.array([m[0], m[1], m @ np.array([x0[0], y0[0]]) - 0.5])
    return _quad_from_lines(lines)


def extend_cut(corners: np.ndarray, is_border: np.ndarray) -> np.ndarray:
    """Push sides cut off by the frame outward until the document has the ID-1 proportion
    (the commonest format); the visible part alone when it is already longer than that."""
    out = corners.copy()
    for k in np.flatnonzero(is_border):
        prev, nxt, opp = corners[k - 1], corners[(k + 1) % 4], corners[(k + 2) % 4]
        across = (np.linalg.norm(corners[k] - prev) + np.linalg.norm(nxt - opp)) / 2
        along = (np.linalg.norm(nxt - corners[k]) + np.linalg.norm(prev - opp)) / 2
        grow = (along * ID1_ASPECT if across >= along else along / ID1_ASPECT) - across
        if grow > 0:
            out[k] += grow * (corners[k] - prev) / max(np.linalg.norm(corners[k] - prev), 1e-9)
            out[(k + 1) % 4] += grow * (nxt - opp) / max(np.linalg.norm(nxt - opp), 1e-9)
    return out
