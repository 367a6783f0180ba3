"""Candidate quads from pairs of roughly parallel lines, their scores and the choice of one.

A quad is scored by the share of its sides backed by edges of matching orientation, by how
cleanly the sides stop at its corners, by its size and by its proportions once perspective is
undone. The frame's borders stand in for sides that a partial crop cut off.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from idreader.pipeline.locate.lines import intersect
from idreader.pipeline.locate.shape import MAX_ASPECT, MIN_ASPECT, aspect_misfit, true_aspect

MAX_CUT_ASPECT = 2.5  # the visible part of a cut document can be a long strip
MIN_AREA_SHARE = 0.2  # of the frame; a cut document's visible part needs more
MIN_CUT_SHARE = 0.4
MAX_AREA_SHARE = 0.995
PARALLEL_DEG = 35.0  # opposite sides under perspective
CROSSING_DEG = 50.0  # least angle between the two pairs of opposite sides
MIN_CORNER_SIN = 0.7  # corner angles within 45..135 degrees
CORNER_MARGIN = 0.35  # corners may lie this far (share of the frame) outside it
MIN_SEEN = 0.85  # share of an uncut quad inside the frame

MIN_SIDE_SUPPORT = 0.4
BORDER_SUPPORT = 0.6  # a frame border standing in for a cut side
UNSEEN_SUPPORT = 0.5  # parts of a side outside the frame
AREA_WEIGHT, OVERSHOOT_WEIGHT, MISFIT_WEIGHT, CUT_PENALTY = 0.3, 0.5, 0.5, 0.1
MISFIT_FREE = 0.03  # proportions this close to ID-1 or ID-3 cost nothing
MIN_SCORE = 0.8  # for an uncut quad
TOP_CANDIDATES = 60  # best-scored quads looked at in detail
TIGHT_FIT = 0.02  # a frame this close to a document's proportion is taken for a tight scan
APART = 0.65  # Bhattacharyya distance of colour histograms telling document from surroundings
CUT_TESTS = 5  # cut quads whose surroundings are compared before giving up
NESTED_SHARE, NESTED_MAX = 0.3, 0.85  # area of a quad inside the best one, relative to it
NESTED_SUPPORT, NESTED_GAIN, NESTED_FIT = 0.8, 0.05, 0.06


def _pairings(lines: np.ndarray) -> np.ndarray:
    """Line indices (a1, b1, a2, b2) of quads: a1, a2 and b1, b2 roughly parallel pairs."""
    theta = np.arctan2(lines[:, 1], lines[:, 0]) % np.pi
    i, j = np.triu_indices(len(lines), 1)
    turn = (theta[j] - theta[i] + np.pi / 2) % np.pi - np.pi / 2
    parallel = np.abs(turn) < math.radians(PARALLEL_DEG)
    i, j, mid = i[parallel], j[parallel], (theta[i] + turn / 2)[parallel]
    p, q = np.triu_indices(len(i), 1)
    cross = np.abs((mid[p] - mid[q] + np.pi / 2) % np.pi - np.pi / 2) > math.radians(CROSSING_DEG)
    cross &= (i[p] != i[q]) & (i[p] != j[q]) & (j[p] != i[q]) & (j[p] != j[q])
    p, q = p[cross], q[cross]
    return np.stack([i[p], i[q], j[p], j[q]], 1)


def _count(table: np.ndarray, line: np.ndarray, t0: np.ndarray, t1: np.ndarray, diag: int):
    lo = np.clip(np.rint(np.minimum(t0, t1)) + diag, 0, 2 * diag + 1).astype(np.int64)
    hi = np.clip(np.rint(np.maximum(t0, t1)) + diag, 0, 2 * diag + 1).astype(np.int64)
    return table[line, hi] - table[line, lo]


class Candidates:
    """All quads of four detected lines (or frame borders), scored; arrays over quads."""

    def __init__(
        self,
        lines: np.ndarray,
        border: np.ndarray,
        tables: tuple[int, np.ndarray, np.ndarray],
        w: int,
        h: int,
    ):
        diag, seen, good = tables
        quads = _pairings(lines)
        ln = lines[quads]
        corners = np.stack([intersect(ln[:, k], ln[:, (k + 1) % 4]) for k in range(4)], 1)
        side = quads[:, [1, 2, 3, 0]]  # side k runs from corner k to corner k + 1
        a, b = corners, np.roll(corners, -1, axis=1)
        edge = b - a
        lengths = np.linalg.norm(edge, axis=2)
        cross = (
            edge[..., 0] * np.roll(edge, -1, 1)[..., 1]
            - edge[..., 1] * np.roll(edge, -1, 1)[..., 0]
        )
        sines = np.abs(cross) / np.maximum(lengths * np.roll(lengths, -1, 1), 1e-9)
        x, y = corners[..., 0], corners[..., 1]
        share = 0.5 * np.abs((x * np.roll(y, -1, 1) - y * np.roll(x, -1, 1)).sum(1)) / (w * h)

        direction = np.stack([-lines[:, 1], lines[:, 0]], 1)[side]
        ta, tb = (a * direction).sum(2), (b * direction).sum(2)
        n_seen = _count(seen, side, ta, tb, diag)
        n_good = _count(good, side, ta, tb, diag)
        support = n_good / np.maximum(n_seen, 1)
        # a true corner ends both its sides: support just beyond the ends counts against
        reach = np.maximum(6.0, 0.08 * lengths) * np.sign(tb - ta)
        overshoot = np.zeros_like(support)
        for t0, t1 in ((ta - reach, ta), (tb, tb + reach)):
            o_seen = _count(seen, side, t0, t1, diag)
            o_good = _count(good, side, t0, t1, diag)
            overshoot += np.where(o_seen >= 3, o_good / np.maximum(o_seen, 1), 0.0)

        self.is_border = border[side]
        n_border = self.is_border.sum(1)
        cut = n_border > 0
        support = np.where(self.is_border, BORDER_SUPPORT, support)
        overshoot = np.where(self.is_border, 0, overshoot).sum(1) / np.maximum(8 - 2 * n_border, 1)
        backed = np.where(self.is_border, support * lengths, n_good)
        backed += np.where(self.is_border, 0, UNSEEN_SUPPORT * np.maximum(lengths - n_seen, 0))
        self.support = backed.sum(1) / np.maximum(lengths.sum(1), 1)
        aspect = true_aspect(corners, w, h)
        self.misfit = np.where(cut, 0.0, aspect_misfit(aspect))

        valid = np.where(
            cut, aspect < MAX_CUT_ASPECT, (aspect > MIN_ASPECT) & (aspect < MAX_ASPECT)
        )
        convex = (cross > 0).all(1) | (cross < 0).all(1)
        real_corner = ~(self.is_border | np.roll(self.is_border, -1, 1))
        valid &= convex & ~(real_corner & (sines < MIN_CORNER_SIN)).any(1)
        m = CORNER_MARGIN
        valid &= ((x > -m * w) & (x < (1 + m) * w) & (y > -m * h) & (y < (1 + m) * h)).all(1)
        valid &= (share > np.where(cut, MIN_CUT_SHARE, MIN_AREA_SHARE)) & (share < MAX_AREA_SHARE)
        valid &= (support >= MIN_SIDE_SUPPORT).all(1)
        # at most two adjacent sides cut; none when the frame itself looks like a tight scan
        opposite = (self.is_border[:, 0] & self.is_border[:, 2]) | (
            self.is_border[:, 1] & self.is_border[:, 3]
        )
        tight = aspect_misfit(max(w, h) / min(w, h)) < TIGHT_FIT
        valid &= (n_border <= (0 if tight else 2)) & ~opposite
        self.score = (
            self.support
            + AREA_WEIGHT * np.sqrt(share)
            - OVERSHOOT_WEIGHT * overshoot
            - MISFIT_WEIGHT * np.maximum(self.misfit - MISFIT_FREE, 0)
            - CUT_PENALTY * n_border
        )
        valid &= cut | (self.score >= MIN_SCORE)
        self.corners = corners
        self.order = np.flatnonzero(valid)[np.argsort(-self.score[valid])][:TOP_CANDIDATES]


def _apart(lab: np.ndarray, quad: np.ndarray, outer: np.ndarray | None = None) -> bool:
    """Whether the colours outside a quad (within `outer` if given) differ from those inside:
    a document against its background rather than one part of a document against another."""
    mask = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 255)
    kernel = np.ones((7, 7), np.uint8)
    inside, outside = cv2.erode(mask, kernel), cv2.bitwise_not(cv2.dilate(mask, kernel))
    if outer is not None:
        ring = np.zeros_like(mask)
        cv2.fillConvexPoly(ring, np.round(outer).astype(np.int32), 255)
        outside = cv2.bitwise_and(outside, cv2.erode(ring, kernel))
    if cv2.countNonZero(outside) < 0.1 * outside.size:
        return False
    hists = [
        cv2.normalize(
            cv2.calcHist([lab], [0, 1, 2], part, [8, 8, 8], [0, 256] * 3), None, 1, 0, cv2.NORM_L1
        )
        for part in (inside, outside)
    ]
    return cv2.compareHist(hists[0], hists[1], cv2.HISTCMP_BHATTACHARYYA) >= APART


def choose_quad(cands: Candidates, lab: np.ndarray) -> int | None:
    """Index of the document's quad among the candidates, or None."""
    h, w = lab.shape[:2]
    frame = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    best, tests = None, 0
    for i in cands.order:
        quad = cands.corners[i].astype(np.float32)
        if cands.is_border[i].any():  # cut: only if what lies around it is not document
            tests += 1
            if tests <= CUT_TESTS and _apart(lab, quad):
                best = i
                break
        elif cv2.intersectConvexConvex(quad, frame)[0] >= MIN_SEEN * cv2.contourArea(quad):
            best = i
            break
    if best is None:
        return None
    # a well-supported quad inside the best one, better proportioned or set apart from what
    # surrounds it, is the document (photographed on a screen, a sheet, a printed photo)
    outer = cands.corners[best].astype(np.float32)
    outer_area = cv2.contourArea(outer)
    for i in cands.order:
        if cands.is_border[i].any() or cands.support[i] < NESTED_SUPPORT:
            continue
        quad = cands.corners[i].astype(np.float32)
        area = cv2.contourArea(quad)
        if not NESTED_SHARE * outer_area <= area <= NESTED_MAX * outer_area:
            continue
        if cv2.intersectConvexConvex(quad, outer)[0] < 0.98 * area:
            continue
        if cands.misfit[i] <= cands.misfit[best] - NESTED_GAIN or (
            cands.misfit[i] <= NESTED_FIT and _apart(lab, quad, outer)
        ):
            return int(i)
    return int(best)
