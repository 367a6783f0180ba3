"""Capture simulator: turn a flat rendered document into a photo with recorded defects.

`capture` places the document in a scene (background, perspective, rotation, partial crop are
composed into one homography, so the document is resampled once and its corners stay exact),
then applies optical, lighting and encoding defects in a fixed canonical order. Every defect
has a strength in 0..1 and is recorded with it; the same generator seed gives the same photo.

Corners follow `pipeline.locate`: the centres of the document's corner pixels, TL TR BR BL.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

DEFECTS: tuple[str, ...] = (
    "background",
    "perspective",
    "rotation",
    "partial_crop",
    "defocus",
    "motion_blur",
    "noise",
    "low_light",
    "uneven_light",
    "glare",
    "jpeg",
    "low_resolution",
    "photocopy_bw",
    "screen_recapture",
)
# Accepted by `capture` but never part of the random mix: `generate.random_defects` draws from
# DEFECTS, so a new name there would change what every existing seed draws.
OPT_IN_DEFECTS: tuple[str, ...] = ("printed_copy",)
ALL_DEFECTS: tuple[str, ...] = (*DEFECTS, *OPT_IN_DEFECTS)
PRINT = ("printed_copy",)  # applied to the flat document, before it is placed in the scene
GEOMETRY = ("background", "perspective", "rotation", "partial_crop")
ORDER = (
    *GEOMETRY,
    "defocus",
    "motion_blur",
    "low_light",
    "uneven_light",
    "glare",
    "photocopy_bw",
    "screen_recapture",
    "noise",
    "low_resolution",
    "jpeg",
)
RANDOM_STRENGTH = (0.3, 1.0)  # range of strengths drawn for defects named without one

PERSPECTIVE_MAX_DEG = 25.0  # worst corner-angle deviation from 90 degrees at strength 1
PERSPECTIVE_EXPONENT = 1.15  # strength 0.2 gives about 4 degrees
ROTATION_MAX_DEG = 180.0
CROP_MAX_SHARE = 0.25  # share of the document's extent cut off one side at strength 1
DOC_SHARE_RANGE = (0.35, 0.75)  # document area / frame area on a cluttered background
LOW_RES_WIDTH = (700.0, 200.0)  # document width in px at strength 0 and 1
JPEG_QUALITY = (95, 10)
GLARE_SHARE = (0.0065, 0.042)  # saturated core share of the document: base + strength * slope
# Colour print: halftone screen period in document pixels (the flat document is about 300 ppi,
# so 2.0 px is a 150 lpi office print and 4.0 px a coarse 75 lpi one) at strength 0 and 1.
HALFTONE_PERIOD = (2.0, 4.0)
HALFTONE_ANGLES = (15.0, 75.0, 0.0, 45.0)  # C, M, Y, K screen angles in degrees
HALFTONE_SUPERSAMPLE = 3  # dots are drawn this much finer, then averaged like a camera pixel
# Share of light each ink absorbs in the B, G, R channels (C, M, Y, K rows).
INK_ABSORPTION = np.array(
    [[0.10, 0.30, 0.90], [0.30, 0.85, 0.10], [0.90, 0.10, 0.02], [0.90, 0.90, 0.90]], np.float32
)


@dataclass
class Capture:
    pixels: np.ndarray  # BGR uint8, the photo
    corners: np.ndarray  # (4, 2) float32: the document's TL, TR, BR, BL in photo pixels
    defects: list[dict] = field(default_factory=list)  # {"name", "strength"} in order applied


# ---------------------------------------------------------------------------- public API


def flat_capture(document: np.ndarray) -> Capture:
    """The document itself as the photo, without any defect."""
    _check_document(document)
    h, w = document.shape[:2]
    return Capture(document.copy(), _frame_corners(w, h).astype(np.float32), [])


def capture(
    document: np.ndarray,
    defects: Sequence[str] | Mapping[str, float],
    rng: np.random.Generator,
) -> Capture:
    """Photograph `document` with the given defects.

    A sequence of names draws each strength from RANDOM_STRENGTH; a mapping gives them.
    Defects are applied in the canonical ORDER whatever the order given.
    """
    _check_document(document)
    strengths = _resolve_strengths(defects, rng)
    if "printed_copy" in strengths:
        document = _printed_copy(document, strengths["printed_copy"], rng)
    shot = _place(document, strengths, rng)
    for name, strength in strengths.items():
        if name in _EFFECTS:
            shot = _EFFECTS[name](shot, strength, rng)
    shot.corners = shot.corners.astype(np.float32)
    shot.defects = [{"name": name, "strength": s} for name, s in strengths.items()]
    return shot


def _check_document(document: np.ndarray) -> None:
    if document.dtype != np.uint8 or document.ndim != 3 or document.shape[2] != 3:
        raise ValueError("document must be a BGR uint8 image")


def _resolve_strengths(
    defects: Sequence[str] | Mapping[str, float], rng: np.random.Generator
) -> dict[str, float]:
    if isinstance(defects, str):
        defects = [defects]
    given = dict(defects) if isinstance(defects, Mapping) else dict.fromkeys(defects)
    unknown = sorted(map(str, set(given) - set(ALL_DEFECTS)))
    if unknown:
        raise ValueError(f"unknown defects: {', '.join(unknown)}")
    strengths = {}
    for name in (*PRINT, *ORDER):
        if name not in given:
            continue
        strength = given[name]
        if strength is None:
            strength = rng.uniform(*RANDOM_STRENGTH)
        elif not 0.0 <= strength <= 1.0:
            raise ValueError(f"strength of {name} must be within 0..1, got {strength}")
        strengths[name] = float(strength)
    return strengths


# ---------------------------------------------------------------------------- geometry helpers


def _frame_corners(w: float, h: float) -> np.ndarray:
    return np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float64)


def _transform(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    pts = points.reshape(-1, 1, 2).astype(np.float64)
    return cv2.perspectiveTransform(pts, matrix).reshape(-1, 2)


def _translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], np.float64)


def _polygon_area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _corner_deviation_deg(quad: np.ndarray) -> float:
    """Worst deviation of a corner angle from 90 degrees (as pipeline.quality measures it)."""
    worst = 0.0
    for i in range(4):
        u, v = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cos = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9)
        worst = max(worst, abs(90.0 - math.degrees(math.acos(float(np.clip(cos, -1, 1))))))
    return worst


def _doc_width(corners: np.ndarray) -> float:
    tl, tr, br, bl = corners
    return float((np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2)


def _scale_corners(
    corners: np.ndarray, sx: float, sy: float, dx: float = 0, dy: float = 0
) -> np.ndarray:
    """Corners after a resize by (sx, sy) (pixel-centre convention of cv2.resize) and a shift."""
    return (corners + 0.5) * (sx, sy) - 0.5 + (dx, dy)


def _quad_mask(corners: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Anti-aliased float mask (0..1) of the document quad; corners may lie outside."""
    mask = np.zeros(shape, np.uint8)
    pts = np.round(corners * 16).astype(np.int32)
    cv2.fillConvexPoly(mask, pts, 255, lineType=cv2.LINE_AA, shift=4)
    return mask.astype(np.float32) / 255


def _point_in_quad(corners: np.ndarray, u: float, v: float) -> np.ndarray:
    tl, tr, br, bl = corners
    return (1 - u) * (1 - v) * tl + u * (1 - v) * tr + u * v * br + (1 - u) * v * bl


def _smooth_noise(w: int, h: int, cell: float, rng: np.random.Generator) -> np.ndarray:
    """Low-frequency noise in -1..1 with features about `cell` pixels wide."""
    grid = rng.uniform(-1, 1, (int(h / cell) + 3, int(w / cell) + 3)).astype(np.float32)
    return cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)


def _to_uint8(img: np.ndarray) -> np.ndarray:
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------- scene placement


def _place(document: np.ndarray, strengths: dict[str, float], rng: np.random.Generator) -> Capture:
    """Background, perspective, rotation and partial crop as one warp of the document."""
    h, w = document.shape[:2]
    corners = _frame_corners(w, h)
    if set(strengths).isdisjoint(GEOMETRY):
        return Capture(document.copy(), corners)
    matrix = np.eye(3)
    if "perspective" in strengths:
        matrix = _perspective(w, h, strengths["perspective"], rng)
    if "rotation" in strengths:
        matrix = _rotation(_transform(matrix, corners), strengths["rotation"], rng) @ matrix
    staged = not set(strengths).isdisjoint(("background", "perspective", "rotation"))
    size = (w, h)
    if staged:
        size, shift = _layout(_transform(matrix, corners), strengths.get("background"), rng)
        matrix = _translation(*shift) @ matrix
    if "partial_crop" in strengths:
        quad = _transform(matrix, corners)
        size, origin = _crop_window(quad, size, strengths["partial_crop"], rng)
        matrix = _translation(-origin[0], -origin[1]) @ matrix
    if "background" in strengths:
        scene = _cluttered_scene(*size, strengths["background"], rng)
    elif staged:
        scene = _plain_scene(*size, document, rng)
    else:
        scene = np.zeros((size[1], size[0], 3), np.uint8)  # fully covered by the document
    pixels = _composite(document, matrix, scene, staged, rng)
    return Capture(pixels, _transform(matrix, corners))


def _perspective(w: int, h: int, strength: float, rng: np.random.Generator) -> np.ndarray:
    """Tilt the document plane until its worst corner angle is off by the strength's degrees."""
    target = PERSPECTIVE_MAX_DEG * strength**PERSPECTIVE_EXPONENT
    axis = rng.uniform(0, 2 * math.pi)  # direction of the tilt axis in the document plane
    focal = math.hypot(w, h) * rng.uniform(1.0, 2.0)
    corners = _frame_corners(w, h)
    lo, hi = 0.0, math.radians(80)
    for _ in range(40):  # the deviation grows with the tilt angle: bisect
        mid = (lo + hi) / 2
        if _corner_deviation_deg(_transform(_tilt(w, h, mid, axis, focal), corners)) < target:
            lo = mid
        else:
            hi = mid
    matrix = _tilt(w, h, lo, axis, focal)
    scale = math.sqrt(_polygon_area(corners) / _polygon_area(_transform(matrix, corners)))
    cx, cy = (w - 1) / 2, (h - 1) / 2  # keep the document's area: scale about its centre
    keep = _translation(cx, cy) @ np.diag([scale, scale, 1.0]) @ _translation(-cx, -cy)
    return keep @ matrix


def _tilt(w: int, h: int, angle: float, axis: float, focal: float) -> np.ndarray:
    """Homography of the plane tilted by `angle` about an in-plane axis through its centre,
    seen by a pinhole camera of focal length `focal` looking at that centre."""
    rot, _ = cv2.Rodrigues(np.array([math.cos(axis), math.sin(axis), 0.0]) * angle)
    cx, cy = (w - 1) / 2, (h - 1) / 2
    camera = np.array([[focal, 0, cx], [0, focal, cy], [0, 0, 1]])
    plane = np.column_stack([rot[:, 0], rot[:, 1], [0, 0, focal]])
    return camera @ plane @ _translation(-cx, -cy)


def _rotation(quad: np.ndarray, strength: float, rng: np.random.Generator) -> np.ndarray:
    """In-plane rotation about the document's centre; strength 1 is upside down."""
    angle = ROTATION_MAX_DEG * strength * rng.choice((-1.0, 1.0))
    cx, cy = quad.mean(axis=0)
    return np.vstack([cv2.getRotationMatrix2D((float(cx), float(cy)), angle, 1.0), [0, 0, 1]])


def _layout(
    quad: np.ndarray, background: float | None, rng: np.random.Generator
) -> tuple[tuple[int, int], tuple[float, float]]:
    """Frame size and the shift that puts the document in it, with its edges visible."""
    (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
    bw, bh = x1 - x0, y1 - y0
    if background is None:  # plain background: a margin of 4-12 % around the document
        left, top, right, bottom = rng.uniform(0.04, 0.12, 4) * (bw, bh, bw, bh)
        size = (math.ceil(bw + left + right) + 1, math.ceil(bh + top + bottom) + 1)
        return size, (left - x0, top - y0)
    lo = DOC_SHARE_RANGE[1] - (DOC_SHARE_RANGE[1] - DOC_SHARE_RANGE[0]) * background
    share = rng.uniform(lo, min(lo + 0.2, DOC_SHARE_RANGE[1]))  # more clutter, smaller document
    area = _polygon_area(quad) / share
    aspect = (4 / 3 if bw >= bh else 3 / 4) * rng.uniform(0.9, 1.15)
    fw = max(math.sqrt(area * aspect), bw * 1.06 + 2)
    fh = max(math.sqrt(area / aspect), bh * 1.06 + 2)
    size = (math.ceil(fw), math.ceil(fh))
    place_x, place_y = rng.uniform(0.3, 0.7, 2)  # small shift off the centre
    return size, ((size[0] - bw) * place_x - x0, (size[1] - bh) * place_y - y0)


def _crop_window(
    quad: np.ndarray, size: tuple[int, int], strength: float, rng: np.random.Generator
) -> tuple[tuple[int, int], tuple[int, int]]:
    """A smaller frame that cuts the document on one or two sides; returns size and origin."""
    (qx0, qy0), (qx1, qy1) = quad.min(axis=0), quad.max(axis=0)
    bw, bh = qx1 - qx0, qy1 - qy0
    x0, y0, x1, y1 = 0.0, 0.0, size[0] - 1.0, size[1] - 1.0
    for side in rng.choice(4, size=rng.integers(1, 3), replace=False):
        cut = max(0.03, CROP_MAX_SHARE * strength * rng.uniform(0.6, 1.0))
        if side == 0:
            x0 = max(x0, qx0 + cut * bw)
        elif side == 1:
            y0 = max(y0, qy0 + cut * bh)
        elif side == 2:
            x1 = min(x1, qx1 - cut * bw)
        else:
            y1 = min(y1, qy1 - cut * bh)
    ox, oy = math.ceil(x0), math.ceil(y0)
    return (math.floor(x1) - ox + 1, math.floor(y1) - oy + 1), (ox, oy)


def _composite(document, matrix, scene, shadow: bool, rng: np.random.Generator) -> np.ndarray:
    """Warp the document onto the scene (premultiplied by its warped coverage)."""
    h, w = scene.shape[:2]
    warp = functools.partial(
        cv2.warpPerspective, M=matrix, dsize=(w, h), flags=cv2.INTER_LINEAR, borderValue=0
    )
    doc = warp(document).astype(np.float32)
    alpha = warp(np.ones(document.shape[:2], np.float32))[..., None]
    base = scene.astype(np.float32)
    if shadow:  # soft contact shadow, slightly offset
        dx, dy = rng.uniform(-0.01, 0.01, 2) * max(w, h)
        moved = cv2.warpAffine(alpha[..., 0], np.float32([[1, 0, dx], [0, 1, dy]]), (w, h))
        soft = cv2.GaussianBlur(moved, (0, 0), 0.008 * max(w, h) + 1)
        base *= 1 - rng.uniform(0.2, 0.45) * soft[..., None]
    return _to_uint8(base * (1 - alpha) + doc)


# ---------------------------------------------------------------------------- scenes


@functools.cache
def _sample_images() -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Grey textures and BGR photos bundled with scikit-image; empty without it."""
    try:
        from skimage import data
    except ImportError:
        return (), ()

    def load(names: tuple[str, ...]) -> list[np.ndarray]:
        images = []
        for name in names:
            try:
                images.append(np.asarray(getattr(data, name)()))
            except Exception:  # a data file that would need a download
                continue
        return images

    textures = tuple(img for img in load(("brick", "grass", "gravel")) if img.ndim == 2)
    photos = []
    for img in load(("coffee", "chelsea", "rocket", "astronaut", "page", "coins", "camera")):
        photos.append(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR if img.ndim == 2 else cv2.COLOR_RGB2BGR))
    return textures, tuple(photos)


def _plain_scene(w: int, h: int, document: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A soft, even surface whose tone contrasts with the document's border."""
    grey = cv2.cvtColor(document, cv2.COLOR_BGR2GRAY)
    e = max(2, min(grey.shape) // 30)
    border = np.concatenate(
        [part.ravel() for part in (grey[:e], grey[-e:], grey[:, :e], grey[:, -e:])]
    )
    tone = rng.uniform(20, 80) if border.mean() > 128 else rng.uniform(175, 235)
    colour = tone + rng.uniform(-12, 12, 3)
    shade = _smooth_noise(w, h, max(w, h) / 2, rng)[..., None] * rng.uniform(4, 14)
    grain = rng.standard_normal((h, w, 1), np.float32) * 1.5
    return _to_uint8(colour.astype(np.float32) + shade + grain)


def _cluttered_scene(w: int, h: int, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A table surface with objects lying around: papers, photos, coins, pens, cables, shapes."""
    scene = _table(w, h, rng)
    items = [_paper, _coin, _pen, _cable, _shape]
    if _sample_images()[1]:
        items.append(_photo)
    for _ in range(round(3 + 12 * strength)):
        items[rng.integers(len(items))](scene, rng)
    return scene


def _table(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    textures = _sample_images()[0]
    kind = rng.integers(3 if textures else 2)
    colour = rng.uniform(40, 200, 3).astype(np.float32)
    if kind == 0:  # wood-like grain
        angle = rng.uniform(0, math.pi)
        xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        warp = _smooth_noise(w, h, rng.uniform(150, 400), rng) * rng.uniform(5, 25)
        phase = (xx * math.cos(angle) + yy * math.sin(angle) + warp) / rng.uniform(6, 25)
        grain = (0.5 + 0.5 * np.sin(2 * math.pi * phase)) ** rng.uniform(1, 3)
        img = colour * (0.65 + 0.45 * grain[..., None])
    elif kind == 1:  # blotchy surface (stone, cloth)
        blotch = _smooth_noise(w, h, rng.uniform(20, 120), rng)[..., None]
        img = colour * (1 + 0.25 * blotch)
    else:  # a scikit-image texture, tiled and tinted
        tex = textures[rng.integers(len(textures))]
        scale = rng.uniform(1.0, 2.5)
        tex = cv2.resize(tex, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        reps = (h // tex.shape[0] + 2, w // tex.shape[1] + 2)
        tiled = np.tile(tex, reps)
        oy, ox = rng.integers(tex.shape[0]), rng.integers(tex.shape[1])
        img = colour * (0.4 + 1.0 * tiled[oy : oy + h, ox : ox + w, None] / 255)
    return _to_uint8(img + rng.standard_normal((h, w, 1), np.float32) * 2)


def _random_centre(scene: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    h, w = scene.shape[:2]
    return rng.uniform(-0.05, 1.05) * w, rng.uniform(-0.05, 1.05) * h


def _paste(scene: np.ndarray, patch: np.ndarray, rng: np.random.Generator) -> None:
    """Paste `patch` rotated at a random place (clipped to the scene)."""
    ph, pw = patch.shape[:2]
    cx, cy = _random_centre(scene, rng)
    matrix = cv2.getRotationMatrix2D((pw / 2, ph / 2), rng.uniform(0, 360), 1.0)
    box = cv2.transform(np.float32([[[0, 0], [pw, 0], [pw, ph], [0, ph]]]), matrix)[0]
    (bx0, by0), (bx1, by1) = box.min(axis=0), box.max(axis=0)
    matrix[:, 2] -= (bx0, by0)
    size = (math.ceil(bx1 - bx0), math.ceil(by1 - by0))
    warped = cv2.warpAffine(patch, matrix, size).astype(np.float32)
    alpha = cv2.warpAffine(np.ones((ph, pw), np.float32), matrix, size)[..., None]
    x, y = round(cx - size[0] / 2), round(cy - size[1] / 2)
    sx0, sy0 = max(x, 0), max(y, 0)
    sx1, sy1 = min(x + size[0], scene.shape[1]), min(y + size[1], scene.shape[0])
    if sx1 <= sx0 or sy1 <= sy0:
        return
    region = scene[sy0:sy1, sx0:sx1].astype(np.float32)
    cut = (slice(sy0 - y, sy1 - y), slice(sx0 - x, sx1 - x))
    scene[sy0:sy1, sx0:sx1] = _to_uint8(region * (1 - alpha[cut]) + warped[cut])


def _paper(scene: np.ndarray, rng: np.random.Generator) -> None:
    """A sheet or card with lines of text."""
    side = min(scene.shape[:2])
    w, h = int(side * rng.uniform(0.2, 0.6)), int(side * rng.uniform(0.15, 0.5))
    patch = np.empty((h, w, 3), np.uint8)
    patch[:] = rng.uniform(170, 250, 3)
    ink = tuple(float(c) for c in rng.uniform(0, 90, 3))
    step = max(12, int(h * rng.uniform(0.06, 0.15)))
    for y in range(step, h - step // 2, step):
        text = "".join(rng.choice(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"), 30))
        cv2.putText(patch, text, (8, y), cv2.FONT_HERSHEY_SIMPLEX, step / 40, ink, 1, cv2.LINE_AA)
    _paste(scene, patch, rng)


def _photo(scene: np.ndarray, rng: np.random.Generator) -> None:
    """A crop of a bundled sample image, as a print with a white border."""
    photos = _sample_images()[1]
    img = photos[rng.integers(len(photos))]
    side = min(scene.shape[:2])
    scale = side * rng.uniform(0.15, 0.45) / max(img.shape[:2])
    patch = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    border = max(2, int(min(patch.shape[:2]) * rng.uniform(0, 0.08)))
    patch = cv2.copyMakeBorder(patch, *[border] * 4, cv2.BORDER_CONSTANT, value=(245, 245, 245))
    _paste(scene, patch, rng)


def _coin(scene: np.ndarray, rng: np.random.Generator) -> None:
    """A coin, cup or lid: a disc with a darker rim."""
    side = min(scene.shape[:2])
    centre = tuple(round(c) for c in _random_centre(scene, rng))
    radius = round(side * rng.uniform(0.02, 0.12))
    colour = rng.uniform(30, 230, 3)
    cv2.circle(scene, centre, radius, colour.tolist(), -1, cv2.LINE_AA)
    rim = max(1, radius // 8)
    cv2.circle(scene, centre, radius - rim, (colour * 0.7).tolist(), rim, cv2.LINE_AA)


def _pen(scene: np.ndarray, rng: np.random.Generator) -> None:
    """A pen or pencil: a thick capped line with a highlight."""
    side = min(scene.shape[:2])
    x, y = _random_centre(scene, rng)
    angle, length = rng.uniform(0, math.pi), side * rng.uniform(0.15, 0.5)
    dx, dy = math.cos(angle) * length / 2, math.sin(angle) * length / 2
    p0, p1 = (round(x - dx), round(y - dy)), (round(x + dx), round(y + dy))
    thick = max(3, round(side * rng.uniform(0.008, 0.02)))
    colour = rng.uniform(0, 220, 3)
    cv2.line(scene, p0, p1, colour.tolist(), thick, cv2.LINE_AA)
    cv2.line(scene, p0, p1, np.minimum(colour + 60, 255).tolist(), max(1, thick // 4), cv2.LINE_AA)


def _cable(scene: np.ndarray, rng: np.random.Generator) -> None:
    """A cable or string: a smooth random walk."""
    side = min(scene.shape[:2])
    point, heading = np.array(_random_centre(scene, rng)), rng.uniform(0, 2 * math.pi)
    points = []
    for _ in range(40):
        heading += rng.normal(0, 0.25)
        point = point + side * 0.025 * np.array([math.cos(heading), math.sin(heading)])
        points.append(point)
    pts = np.round(np.array(points)).astype(np.int32)
    thick = max(2, round(side * rng.uniform(0.003, 0.01)))
    cv2.polylines(scene, [pts], False, rng.uniform(0, 255, 3).tolist(), thick, cv2.LINE_AA)


def _shape(scene: np.ndarray, rng: np.random.Generator) -> None:
    """A flat random polygon (packaging, a notebook, a shadow)."""
    side = min(scene.shape[:2])
    cx, cy = _random_centre(scene, rng)
    count = rng.integers(3, 7)
    angles = np.sort(rng.uniform(0, 2 * math.pi, count))
    radii = side * rng.uniform(0.04, 0.2, count)
    pts = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], axis=1)
    colour = rng.uniform(0, 255, 3).tolist()
    cv2.fillPoly(scene, [np.round(pts).astype(np.int32)], colour, lineType=cv2.LINE_AA)


# ---------------------------------------------------------------------------- optics


def _defocus(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """Out of focus: a disk kernel (radius up to 0.8 % of the document width)."""
    radius = 0.5 + strength * 0.008 * _doc_width(shot.corners) * rng.uniform(0.85, 1.0)
    half = math.ceil(radius) + 1
    yy, xx = np.mgrid[-half : half + 1, -half : half + 1]
    kernel = np.clip(radius + 0.5 - np.hypot(xx, yy), 0, 1).astype(np.float32)
    blurred = cv2.filter2D(shot.pixels, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)
    return replace(shot, pixels=blurred)


def _motion_blur(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """Camera shake: a line kernel (length up to 3 % of the document width) at a random angle."""
    length = 2 + strength * 0.03 * _doc_width(shot.corners) * rng.uniform(0.85, 1.0)
    angle = rng.uniform(0, math.pi)
    half = math.ceil(length / 2) + 1
    kernel = np.zeros((2 * half + 1, 2 * half + 1), np.float32)
    for t in np.linspace(-length / 2, length / 2, max(2, round(length * 4))):
        x, y = half + t * math.cos(angle), half + t * math.sin(angle)
        ix, iy = math.floor(x), math.floor(y)
        fx, fy = x - ix, y - iy  # bilinear splat of a point of the stroke
        kernel[iy : iy + 2, ix : ix + 2] += np.outer([1 - fy, fy], [1 - fx, fx])
    blurred = cv2.filter2D(shot.pixels, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)
    return replace(shot, pixels=blurred)


# ---------------------------------------------------------------------------- light


def _low_light(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """Dim light: darker, higher gamma, a colour cast and sensor noise."""
    gamma = 1 + 0.8 * strength * rng.uniform(0.7, 1.0)
    gain = 1 - 0.6 * strength * rng.uniform(0.8, 1.0)
    cast = 1 + rng.uniform(-0.15, 0.15, 3) * strength
    levels = (np.arange(256) / 255)[:, None] ** gamma * gain * cast * 255  # per channel
    img = cv2.LUT(shot.pixels, levels[:, None, :].astype(np.float32))
    sigma = 255 * (0.008 + 0.025 * strength)
    h, w = img.shape[:2]
    img += rng.standard_normal((h, w, 1), np.float32) * sigma
    img += rng.standard_normal((h, w, 3), np.float32) * sigma * 0.6
    return replace(shot, pixels=_to_uint8(img))


def _uneven_light(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """A smooth shadow: a light gradient, a vignette and sometimes a soft cast shadow."""
    h, w = shot.pixels.shape[:2]
    sw, sh = max(2, w // 8), max(2, h // 8)  # the shade is smooth: compute it small
    x = np.linspace(-0.5, 0.5, sw, dtype=np.float32)[None, :]
    y = np.linspace(-0.5, 0.5, sh, dtype=np.float32)[:, None]
    angle = rng.uniform(0, 2 * math.pi)
    ramp = x * math.cos(angle) + y * math.sin(angle) + 0.75
    cx, cy = rng.uniform(-0.3, 0.3, 2)
    vignette = (x - cx) ** 2 + (y - cy) ** 2
    mix = rng.uniform(0.3, 0.8)
    shade = mix * ramp / ramp.max() + (1 - mix) * vignette / vignette.max()
    if rng.random() < 0.5:  # the soft shadow of a hand or phone
        blob = np.zeros((sh, sw), np.float32)
        cv2.fillPoly(blob, [_random_polygon(sw, sh, rng)], 1.0)
        shade = shade + 0.6 * cv2.GaussianBlur(blob, (0, 0), 0.05 * max(sw, sh))
    shade = (shade - shade.min()) / (shade.max() - shade.min() + 1e-6)  # brightest part stays
    factor = 1 - (0.3 + 0.5 * strength) * cv2.resize(shade, (w, h), interpolation=cv2.INTER_CUBIC)
    return replace(shot, pixels=_to_uint8(shot.pixels * factor[..., None]))


def _random_polygon(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A big polygon entering the frame from one side."""
    cx, cy = rng.uniform(0, 1) * w, rng.choice((-0.1, 1.1)) * h
    angles = np.sort(rng.uniform(0, 2 * math.pi, 6))
    radii = rng.uniform(0.3, 0.6, 6) * max(w, h)
    pts = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], axis=1)
    return np.round(pts).astype(np.int32)


def _glare(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """Specular reflections on the document: saturated white cores with a soft halo."""
    img = shot.pixels.astype(np.float32)
    h, w = img.shape[:2]
    core_total = _polygon_area(shot.corners) * (GLARE_SHARE[0] + GLARE_SHARE[1] * strength)
    alpha = np.zeros((h, w), np.float32)
    for share in rng.dirichlet(np.ones(rng.integers(1, 4))):
        elongation = rng.uniform(1.0, 2.5)
        minor = math.sqrt(core_total * share / (math.pi * elongation))
        centre = _point_in_quad(shot.corners, *rng.uniform(0.15, 0.85, 2))
        _add_blob(alpha, centre, (minor * elongation, minor), rng.uniform(0, math.pi), rng)
    alpha *= _quad_mask(shot.corners, (h, w))  # the reflection is on the laminate only
    img += (255 - img) * alpha[..., None]
    return replace(shot, pixels=_to_uint8(img))


def _add_blob(alpha, centre, axes, angle: float, rng: np.random.Generator) -> None:
    """Max-combine one elliptical highlight (1 inside the core, Gaussian falloff) into alpha."""
    halo = rng.uniform(0.4, 1.0)  # falloff width in core radii
    reach = axes[0] * (1 + 3 * halo)
    h, w = alpha.shape
    x0, x1 = max(0, int(centre[0] - reach)), min(w, int(centre[0] + reach) + 1)
    y0, y1 = max(0, int(centre[1] - reach)), min(h, int(centre[1] + reach) + 1)
    if x1 <= x0 or y1 <= y0:
        return
    dx = np.arange(x0, x1, dtype=np.float32)[None, :] - centre[0]
    dy = np.arange(y0, y1, dtype=np.float32)[:, None] - centre[1]
    cos, sin = math.cos(angle), math.sin(angle)
    rho = np.hypot((dx * cos + dy * sin) / axes[0], (-dx * sin + dy * cos) / axes[1])
    blob = np.where(rho <= 1, 1.0, np.exp(-(((rho - 1) / halo) ** 2))).astype(np.float32)
    np.maximum(alpha[y0:y1, x0:x1], blob, out=alpha[y0:y1, x0:x1])


# ---------------------------------------------------------------------------- reproduction


def _photocopy_bw(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """A black-and-white copy: grey levels, harder contrast, paper texture, toner speckle."""
    grey = cv2.cvtColor(shot.pixels, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255
    h, w = grey.shape
    black = rng.uniform(0.03, 0.08) + 0.15 * strength  # levels: crush shadows ...
    white = rng.uniform(0.92, 0.98) - 0.15 * strength  # ... and blow out the paper
    grey = np.clip((grey - black) / (white - black), 0, 1) ** rng.uniform(0.8, 1.25)
    paper = _smooth_noise(w, h, rng.uniform(15, 60), rng) * (0.015 + 0.03 * strength)
    streaks = _smooth_noise(w, 2, rng.uniform(4, 20), rng)[:1] * 0.03 * strength  # drum bands
    grain = rng.standard_normal((h, w), np.float32) * (0.01 + 0.02 * strength)
    grey = grey + paper + streaks + grain
    count = int(h * w * (2e-5 + 2e-4 * strength))
    ys, xs = rng.integers(0, h, count), rng.integers(0, w, count)
    for x, y, r in zip(xs, ys, rng.integers(0, 2, count), strict=True):  # toner specks
        cv2.circle(grey, (int(x), int(y)), int(r), float(rng.uniform(0.05, 0.4)), -1)
    grey = cv2.GaussianBlur(grey, (0, 0), 0.4 + 0.4 * strength)
    return replace(shot, pixels=cv2.cvtColor(_to_uint8(grey * 255), cv2.COLOR_GRAY2BGR))


def _printed_copy(document: np.ndarray, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A colour print of the flat document: CMYK halftone rosette on matt paper, duller colours.

    Strength coarsens the screen (HALFTONE_PERIOD); the print is what gets photographed."""
    h, w = document.shape[:2]
    span = HALFTONE_PERIOD[1] - HALFTONE_PERIOD[0]
    period = (HALFTONE_PERIOD[0] + span * strength) * rng.uniform(0.92, 1.08)
    skew = rng.uniform(-3, 3)  # the page lies a little askew on the printer's screen
    inks = _separations(document, rng)
    paper = np.array([0.93, 0.96, 0.97], np.float32) * rng.uniform(0.96, 1.0)  # warm, matt
    light = np.ones((h, w, 3), np.float32) * paper
    for ink, angle, absorb in zip(inks, HALFTONE_ANGLES, INK_ABSORPTION, strict=True):
        dots = _halftone(ink, period, angle + skew, rng)
        light *= 1 - dots[..., None] * absorb
    fibres = _smooth_noise(w, h, rng.uniform(2, 6), rng) * rng.uniform(0.008, 0.02)
    mottle = _smooth_noise(w, h, rng.uniform(30, 90), rng) * rng.uniform(0.005, 0.015)
    light *= (1 + fibres + mottle)[..., None]
    light = cv2.GaussianBlur(light, (0, 0), rng.uniform(0.3, 0.6))  # ink spread, print softness
    return _to_uint8(light * 255)


def _separations(document: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """C, M, Y, K coverage (0..1) with grey-component replacement, dot gain and a narrower
    gamut than the original's."""
    bgr = document.astype(np.float32) / 255
    grey = bgr.mean(axis=2, keepdims=True)
    bgr = grey + (bgr - grey) * rng.uniform(0.7, 0.9)  # plain paper and toner: duller colours
    y, m, c = (1 - bgr[..., i] for i in range(3))
    k = np.minimum(np.minimum(c, m), y) * rng.uniform(0.6, 1.0)
    rest = np.maximum(1 - k, 1e-3)
    gain = rng.uniform(0.1, 0.25)
    return [
        np.clip(v + gain * v * (1 - v), 0, 1)
        for v in ((c - k) / rest, (m - k) / rest, (y - k) / rest, k)
    ]


def _halftone(coverage: np.ndarray, period: float, angle_deg: float, rng) -> np.ndarray:
    """Ink share per pixel of an amplitude-modulated dot screen, drawn HALFTONE_SUPERSAMPLE
    times finer and averaged."""
    h, w = coverage.shape
    s = HALFTONE_SUPERSAMPLE
    big = cv2.resize(coverage, (w * s, h * s), interpolation=cv2.INTER_LINEAR)
    a = math.radians(angle_deg)
    x = (np.arange(w * s, dtype=np.float32) + 0.5) / (s * period)
    y = (np.arange(h * s, dtype=np.float32) + 0.5) / (s * period)
    phase = rng.uniform(0, 1, 2)
    # cos 2pi(u) with u = x cos a + y sin a is separable: an outer product, not h*w cosines
    spot = np.zeros_like(big)
    for cx, cy, p in ((math.cos(a), math.sin(a), phase[0]), (-math.sin(a), math.cos(a), phase[1])):
        ax, ay = 2 * math.pi * x * cx, 2 * math.pi * (y * cy + p)
        spot += np.outer(np.cos(ay), np.cos(ax)) - np.outer(np.sin(ay), np.sin(ax))
    inked = ((2 - spot) / 4 < big).astype(np.float32)  # round dots growing from the cell centre
    return cv2.resize(inked, (w, h), interpolation=cv2.INTER_AREA)


def _screen_recapture(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """The document photographed off a screen: pixel grid, moiré, tone shift, bezel."""
    if rng.random() < 0.5:
        shot = _bezel(shot, rng)
    img = shot.pixels.astype(np.float32) / 255
    h, w = img.shape[:2]
    img = cv2.GaussianBlur(img, (0, 0), 0.5 + 0.7 * strength)
    tint = 1 + np.array([rng.uniform(0.0, 0.12), 0.0, rng.uniform(-0.08, 0.02)], np.float32)
    img = 0.05 * strength + (1 - 0.1 * strength) * img ** rng.uniform(0.85, 1.15) * tint
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    img *= _subpixel_grid(xx, yy, strength, rng) * _moire(xx, yy, strength, rng)
    return replace(shot, pixels=_to_uint8(img * 255))


def _subpixel_grid(xx, yy, strength: float, rng: np.random.Generator) -> np.ndarray:
    """Vertical R, G, B stripes and dark row gaps of a slightly rotated screen grid."""
    pitch = rng.uniform(2.6, 4.0)  # screen pixel size in photo pixels
    angle = math.radians(rng.uniform(-4, 4))
    u = (xx * math.cos(angle) + yy * math.sin(angle)) / pitch
    v = (-xx * math.sin(angle) + yy * math.cos(angle)) / pitch
    depth = 0.3 + 0.45 * strength
    rows = 1 + 0.5 * depth * np.cos(2 * math.pi * v)
    phases = (2 / 3, 1 / 3, 0.0)  # B, G, R sub-pixels, left to right R G B
    stripes = [1 + depth * np.cos(2 * math.pi * (u - p)) for p in phases]
    return np.stack(stripes, axis=-1) * rows[..., None]


def _moire(xx, yy, strength: float, rng: np.random.Generator) -> np.ndarray:
    """Curved coloured bands: the beat between the screen grid and the camera's sensor grid."""
    h, w = xx.shape
    period = rng.uniform(15, 60)
    angle = rng.uniform(0, math.pi)
    bend = _smooth_noise(w, h, max(w, h) / 3, rng) * rng.uniform(1, 4)
    phase = 2 * math.pi * (xx * math.cos(angle) + yy * math.sin(angle)) / period + bend
    amount = 0.04 + 0.1 * strength
    bands = [1 + amount * np.cos(phase + shift) for shift in (0, 2 * math.pi / 3, 4 * math.pi / 3)]
    return np.stack(bands, axis=-1)


def _bezel(shot: Capture, rng: np.random.Generator) -> Capture:
    """Shrink the picture into a screen with a dark bezel; corners follow."""
    h, w = shot.pixels.shape[:2]
    left, right = (rng.uniform(0.02, 0.07, 2) * w).astype(int)
    top, bottom = (rng.uniform(0.02, 0.07, 2) * h).astype(int)
    inner_w, inner_h = w - left - right, h - top - bottom
    inner = cv2.resize(shot.pixels, (inner_w, inner_h), interpolation=cv2.INTER_AREA)
    frame = np.empty_like(shot.pixels)
    frame[:] = rng.uniform(8, 35)
    frame[top : top + inner_h, left : left + inner_w] = inner
    corners = _scale_corners(shot.corners, inner_w / w, inner_h / h, left, top)
    return replace(shot, pixels=frame, corners=corners)


# ---------------------------------------------------------------------------- sensor, file


def _noise(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """Sensor noise: Gaussian (mostly luminance) and a sprinkle of salt and pepper."""
    img = shot.pixels.astype(np.float32)
    h, w = img.shape[:2]
    sigma = 3 + 15 * strength
    img += rng.standard_normal((h, w, 1), np.float32) * sigma
    img += rng.standard_normal((h, w, 3), np.float32) * sigma * 0.35
    out = _to_uint8(img)
    count = int(h * w * (0.0005 + 0.003 * strength))
    ys, xs = rng.integers(0, h, count), rng.integers(0, w, count)
    out[ys, xs] = np.where(rng.random(count) < 0.5, 0, 255).astype(np.uint8)[:, None]
    return replace(shot, pixels=out)


def _low_resolution(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """Downscale so the document is 700 px (strength 0) to 200 px (strength 1) wide."""
    target = LOW_RES_WIDTH[0] + (LOW_RES_WIDTH[1] - LOW_RES_WIDTH[0]) * strength
    factor = target / _doc_width(shot.corners)
    if factor >= 1:  # never upscale
        return shot
    h, w = shot.pixels.shape[:2]
    new_w, new_h = max(1, round(w * factor)), max(1, round(h * factor))
    small = cv2.resize(shot.pixels, (new_w, new_h), interpolation=cv2.INTER_AREA)
    return replace(shot, pixels=small, corners=_scale_corners(shot.corners, new_w / w, new_h / h))


def _jpeg(shot: Capture, strength: float, rng: np.random.Generator) -> Capture:
    """JPEG round trip at quality 95 (strength 0) down to 10 (strength 1)."""
    quality = round(JPEG_QUALITY[0] + (JPEG_QUALITY[1] - JPEG_QUALITY[0]) * strength)
    ok, data = cv2.imencode(".jpg", shot.pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return replace(shot, pixels=cv2.imdecode(data, cv2.IMREAD_COLOR))


Effect = Callable[[Capture, float, np.random.Generator], Capture]
_EFFECTS: dict[str, Effect] = {
    "defocus": _defocus,
    "motion_blur": _motion_blur,
    "low_light": _low_light,
    "uneven_light": _uneven_light,
    "glare": _glare,
    "photocopy_bw": _photocopy_bw,
    "screen_recapture": _screen_recapture,
    "noise": _noise,
    "low_resolution": _low_resolution,
    "jpeg": _jpeg,
}
