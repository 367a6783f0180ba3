"""Locate stage: find the document's quadrilateral and warp it flat.

On a copy about WORK_SIDE px large, straight edges are found by Hough transforms of colour (Lab)
Canny edges, one per band of gradient orientation so that a striped background cannot crowd out
the document's sides. Pairs of roughly parallel lines make candidate quadrilaterals; each is
scored by the share of its sides backed by edges of matching orientation, by how cleanly the
sides stop at its corners, by its size and by its proportions once perspective is undone
(ID-1 85.60 x 53.98 mm, ID-2 105 x 74, ID-3 125 x 88). The frame's borders stand in for sides
that a partial crop cut off. The winner's sides are fitted to the edge pixels, then to the colour
step at full resolution. Without a candidate (a tight scan) the whole frame is the document.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from idreader.pipeline.types import Document

ID1_ASPECT = 85.60 / 53.98
ID3_ASPECT = 125 / 88  # ID-2 (105 x 74) is the same to 0.01
WORK_SIDE = 512  # lines are searched on a copy this size
RECTIFIED_WIDTH = 1000
# proportions after undoing perspective: a portrait photo (35 x 45 mm, 1.29) stays out
MIN_ASPECT, MAX_ASPECT = 1.33, 1.8
MAX_CUT_ASPECT = 2.5  # the visible part of a cut document can be a long strip
MIN_AREA_SHARE = 0.2  # of the frame; a cut document's visible part needs more
MIN_CUT_SHARE = 0.4
MAX_AREA_SHARE = 0.995

CANNY = (30, 90)
ORIENTATION_BANDS = 6  # Hough transforms over 30 degree bands of gradient direction
BAND_MARGIN_DEG = 8  # edge pixels this far outside a band still vote in it
LINES_PER_BAND = 5
MIN_VOTES = 0.12  # of the small copy's shorter side
SAME_LINE_DEG, SAME_LINE_PX = 4.0, 6.0
BORDER_NEAR = 0.015  # lines this close to the frame border are the frame (a tight scan)
ALIGN_DEG = 25.0  # an edge pixel backs a side if its gradient is this close to the side's normal
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
POLISH_SAMPLES = 48  # colour-step profiles across each side at full resolution
POLISH_REACH = 1.5  # profile half-length, in small-copy pixels


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


# ---------------------------------------------------------------------------- lines


def _edges(small: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def _lines(edges: np.ndarray, angle: np.ndarray) -> np.ndarray:
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


def _support_tables(
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


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    det = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    det = np.where(np.abs(det) < 1e-9, 1e-9, det)
    x = (a[..., 2] * b[..., 1] - a[..., 1] * b[..., 2]) / det
    y = (a[..., 0] * b[..., 2] - a[..., 2] * b[..., 0]) / det
    return np.stack([x, y], -1)


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


# ---------------------------------------------------------------------------- candidates


def _count(table: np.ndarray, line: np.ndarray, t0: np.ndarray, t1: np.ndarray, diag: int):
    lo = np.clip(np.rint(np.minimum(t0, t1)) + diag, 0, 2 * diag + 1).astype(np.int64)
    hi = np.clip(np.rint(np.maximum(t0, t1)) + diag, 0, 2 * diag + 1).astype(np.int64)
    return table[line, hi] - table[line, lo]


class _Candidates:
    """All quads of four detected lines (or frame borders), scored; arrays over quads."""

    def __init__(self, lines: np.ndarray, border: np.ndarray, tables, w: int, h: int):
        diag, seen, good = tables
        quads = _pairings(lines)
        ln = lines[quads]
        corners = np.stack([_intersect(ln[:, k], ln[:, (k + 1) % 4]) for k in range(4)], 1)
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


def _choose(cands: _Candidates, lab: np.ndarray) -> int | None:
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


# ---------------------------------------------------------------------------- refinement


def _quad_from_lines(lines: list[np.ndarray]) -> np.ndarray:
    """Corners k = intersection of side lines k - 1 and k."""
    return np.stack([_intersect(lines[k - 1], lines[k]) for k in range(4)])


def _fit_edges(corners: np.ndarray, edges: np.ndarray, angle: np.ndarray, is_border) -> np.ndarray:
    """Fit each document side to the edge pixels along it (robust, sub-pixel)."""
    ys, xs = np.nonzero(edges)
    pts = np.stack([xs, ys], 1).astype(np.float32)
    directions = angle[ys, xs]
    lines = []
    for k in range(4):
        a, b = corners[k], corners[(k + 1) % 4]
        length = max(float(np.linalg.norm(b - a)), 1e-9)
        d = (b - a) / length
        n = np.array([-d[1], d[0]])
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


def _polish(pixels: np.ndarray, corners: np.ndarray, is_border, reach: float) -> np.ndarray:
    """Move each document side onto the colour step of the full-resolution image (sub-pixel),
    then half a pixel inward: corners are the centres of the document's corner pixels."""
    h, w = pixels.shape[:2]
    centre = corners.mean(axis=0)
    offsets = np.arange(-reach, reach + 0.01, 0.5)
    lines = []
    for k in range(4):
        a, b = corners[k], corners[(k + 1) % 4]
        length = max(float(np.linalg.norm(b - a)), 1e-9)
        d = (b - a) / length
        n = np.array([-d[1], d[0]])
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


def _extend(corners: np.ndarray, is_border) -> np.ndarray:
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


# ---------------------------------------------------------------------------- public API


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
    edges, angle, lab = _edges(small)
    frame_sides = np.array([[1, 0, 0], [1, 0, sw - 1], [0, 1, 0], [0, 1, sh - 1]], np.float64)
    lines = np.vstack([_lines(edges, angle), frame_sides])
    border = np.arange(len(lines)) >= len(lines) - 4
    cands = _Candidates(lines, border, _support_tables(lines, edges, angle), sw, sh)
    best = _choose(cands, lab)
    if best is None:
        return None
    is_border = cands.is_border[best]
    quad = _fit_edges(cands.corners[best], edges, angle, is_border)
    quad = (quad + 0.5) / scale - 0.5  # small-copy to input pixel centres
    quad = _polish(pixels, quad, is_border, max(2.0, POLISH_REACH / scale))
    return order_corners(_extend(quad, is_border))


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
    quad = find_document_quad(pixels)
    if quad is not None:
        return Document(corners=quad, pixels=rectify(pixels, quad), edges_found=True)
    h, w = pixels.shape[:2]
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return Document(corners=frame, pixels=pixels, edges_found=False)
