"""Portrait stage: the holder's face on the upright document, found with OpenCV's bundled
Haar cascade; the head-and-shoulders crop around it; a ghost portrait (a smaller, fainter
grey copy of the same photo) and the Portrait image-quality check (ImageQualityCheckType 7).

Boxes are ``(x0, y0, x1, y1)`` as shares of the page's width and height, like the
catalogue's layout boxes. When no face is found, the catalogue entry's "Portrait" and
"Ghost Portrait" layout boxes stand in (when the page is the document).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from idreader.catalogue import DocumentSpec
from idreader.pipeline.pixels import Box, crop_box
from idreader.pipeline.types import ERROR, NOT_DONE, OK

Rect = tuple[int, int, int, int]  # x, y, width, height in pixels (OpenCV's face rectangles)

# graphic-field-types.tsv names
PORTRAIT_FIELD, GHOST_PORTRAIT_FIELD = "Portrait", "Ghost Portrait"
FACE_CASCADE = "haarcascade_frontalface_default.xml"
WINDOW = 24  # px: the cascade's window, the smallest face it finds
# The page is searched this many px high: a face of 12% of the page's height or more spans
# the window. Cascade face boxes measured 13-16% of the page on the synthetic documents and
# 17-34% on real passport specimens; the search's cost grows with the square of this.
SEARCH_HEIGHT = 200
# Between the window sizes tried, and the overlapping detections a face needs: on 105
# synthetic photo portraits 1.2 and 2 found 101 faces, 1.15 and 3 found 99 at 25% more cost
# (1.2 and 3: 87); neither found a face on the synthetic back sides or a blank page.
SCALE_STEP = 1.2
MIN_NEIGHBOURS = 2
MAX_FACE_SHARE = 0.45  # of the page's height: faces measured up to 0.34 (real scans)
# Head-and-shoulders crop around the cascade's face box (brows to chin, cheek to cheek), in
# face sizes: 2.2 faces wide, 2.8 high (an ICAO photo's 35 x 45 mm), hair above the box,
# neck and shoulders below it.
CROP_SIDE, CROP_ABOVE, CROP_BELOW = 0.6, 0.8, 1.0
# A ghost portrait: the portrait's face again, 30-80% of its size, in faint grey. Found by
# normalised correlation with the portrait's face, then confirmed by the cascade on a
# contrast-stretched close-up.
GHOST_SCALES = tuple(0.3 * 1.2**i for i in range(6))  # 0.30 .. 0.75 of the face
GHOST_CANDIDATES = 3  # candidate places confirmed, at most
# Correlation below which a place is no copy of the face: synthetic ghosts measured
# 0.81-0.98, the best place elsewhere 0.57-0.77 (the cascade confirmed two of those, at
# 0.55 and 0.69, on 84 pages without a ghost); a real colour ghost 0.77.
GHOST_MIN_MATCH = 0.7
CLOSE_UP = 96  # px: a candidate's close-up is twice its face, the face about 48 px
# The close-up's cascade asks more detections: with GHOST_MIN_MATCH it confirmed 71 ghosts
# on 72 synthetic pages that have one and none on 84 that have none (at 6: 64 and none).
CONFIRM_NEIGHBOURS = 3
CLOSE_UP_STEP = 1.1  # between the window sizes tried on a close-up
# A clear portrait: the face big enough to be compared and sharp enough to show detail.
# Face boxes measured 74-133 px high on synthetic pages rectified 1000 px wide, 68-215 px
# on 455-1334 px wide real specimen scans, 47-51 px on 272-275 px wide ones.
MIN_FACE_PX = 56
# Detail: variance of the Laplacian of the face resized to PROBE_SIDE px, over the face's
# grey variance (free of scale and contrast). Sharp faces measured 0.12-0.18 (synthetic) and
# 0.11-0.76 (real scans); blurred by a Gaussian of sigma 1 px (a ~100 px face) 0.03-0.09,
# of sigma 2 px 0.01-0.03.
PROBE_SIDE = 64
MIN_FACE_DETAIL = 0.05


@dataclass(frozen=True)
class Portraits:
    """What the portrait stage found on one upright page."""

    portrait: Box | None  # head-and-shoulders crop of the holder's face, or the layout box
    ghost: Box | None  # the ghost portrait's crop, or the layout box
    face: Box | None  # the cascade's face box of the portrait, when one was found
    check: int  # Portrait image-quality check: OK, ERROR or NOT_DONE


@cache
def cascade() -> cv2.CascadeClassifier:
    found = cv2.CascadeClassifier(cv2.data.haarcascades + FACE_CASCADE)
    if found.empty():
        raise RuntimeError(f"OpenCV's {FACE_CASCADE} did not load")
    return found


def find_portraits(
    pixels: np.ndarray, spec: DocumentSpec | None = None, *, layout: bool = True
) -> Portraits:
    """The portrait, ghost portrait and Portrait check of an upright document (BGR).
    ``layout``: whether the page is the document, so that ``spec``'s boxes apply."""
    grey = search_grey(pixels)
    faces = detect_faces(grey)  # surest first
    face = ghost = None
    if faces:
        face = closer_look(pixels, grey.shape, faces[0], MIN_NEIGHBOURS)
        face = face or relative(faces[0], grey.shape)
        ghost = find_ghost(pixels, grey, faces[0], faces[1:])
    boxes = spec if layout else None
    return Portraits(
        portrait=around_face(face) if face else layout_box(boxes, PORTRAIT_FIELD),
        ghost=around_face(ghost) if ghost else layout_box(boxes, GHOST_PORTRAIT_FIELD),
        face=face,
        check=portrait_check(pixels, face, spec),
    )


def search_grey(pixels: np.ndarray) -> np.ndarray:
    """The page in grey, SEARCH_HEIGHT px high."""
    return grey_copy(pixels, SEARCH_HEIGHT / pixels.shape[0])


def grey_copy(pixels: np.ndarray, scale: float) -> np.ndarray:
    """A grey copy of an image, resized by ``scale``."""
    grey = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY) if pixels.ndim == 3 else pixels
    h, w = grey.shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def detect_faces(grey: np.ndarray) -> list[Rect]:
    """Frontal faces on the search copy, as pixel rectangles, the surest first (the
    cascade's confidence: the real face outscores text a coarse window takes for one)."""
    largest = round(MAX_FACE_SHARE * grey.shape[0])
    found, _, weights = cascade().detectMultiScale3(
        grey,
        SCALE_STEP,
        MIN_NEIGHBOURS,
        minSize=(WINDOW, WINDOW),
        maxSize=(largest, largest),
        outputRejectLevels=True,
    )
    order = np.argsort(-np.asarray(weights).ravel()) if len(found) else []
    return [tuple(int(v) for v in found[i]) for i in order]


def find_ghost(pixels: np.ndarray, grey: np.ndarray, face: Rect, others: list[Rect]) -> Box | None:
    """A copy of ``face``, no larger, outside the portrait, that the cascade confirms on a
    close-up: another face it found already, else a place correlating with the face."""
    portrait = around_face(relative(face, grey.shape))
    smaller = [r for r in others if r[2] <= face[2]]
    return first_confirmed(pixels, grey.shape, smaller, portrait) or first_confirmed(
        pixels, grey.shape, copies_of(grey, face), portrait
    )


def first_confirmed(
    pixels: np.ndarray, shape: tuple[int, ...], candidates: list[Rect], portrait: Box
) -> Box | None:
    """The face of the first of GHOST_CANDIDATES places outside the portrait that the
    cascade confirms."""
    outside = [r for r in candidates if not overlaps(relative(r, shape), portrait)]
    for place in outside[:GHOST_CANDIDATES]:
        face = closer_look(pixels, shape, place, CONFIRM_NEIGHBOURS)
        if face is not None and not overlaps(face, portrait):
            return face
    return None


def copies_of(grey: np.ndarray, face: Rect) -> list[Rect]:
    """Places where a smaller copy of ``face`` correlates, best first, one per place."""
    x, y, w, h = face
    template = grey[y : y + h, x : x + w]
    scored: list[tuple[float, Rect]] = []
    for share in GHOST_SCALES:
        size = (max(8, round(w * share)), max(8, round(h * share)))
        small = cv2.resize(template, size, interpolation=cv2.INTER_AREA)
        score = cv2.matchTemplate(grey, small, cv2.TM_CCOEFF_NORMED)
        score[max(0, y - size[1]) : y + h, max(0, x - size[0]) : x + w] = -1  # the face itself
        _, best, _, (bx, by) = cv2.minMaxLoc(score)
        if best >= GHOST_MIN_MATCH:
            scored.append((best, (bx, by, *size)))
    places: list[Rect] = []
    for _, place in sorted(scored, key=lambda s: -s[0]):
        if not any(iou(place, p) > 0 for p in places):  # scales overlap at one place
            places.append(place)
    return places


def closer_look(
    pixels: np.ndarray, shape: tuple[int, ...], place: Rect, neighbours: int
) -> Box | None:
    """The face the cascade finds, with ``neighbours`` overlapping detections, on a
    contrast-stretched close-up of ``place`` (a rectangle on the search copy of size
    ``shape``) taken from the full-size page: the one nearest its middle, or None."""
    k = pixels.shape[0] / shape[0]
    x, y, w, h = place
    side = 2 * max(w, h) * k
    cx, cy = (x + w / 2) * k, (y + h / 2) * k
    x0, y0 = max(0, round(cx - side / 2)), max(0, round(cy - side / 2))
    x1 = min(pixels.shape[1], round(cx + side / 2))
    y1 = min(pixels.shape[0], round(cy + side / 2))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    scale = CLOSE_UP / side
    close_up = grey_copy(pixels[y0:y1, x0:x1], scale)
    close_up = cv2.normalize(close_up, None, 0, 255, cv2.NORM_MINMAX)  # faint: stretched
    smallest, largest = CLOSE_UP * 3 // 10, CLOSE_UP * 8 // 10
    found = cascade().detectMultiScale(
        close_up, CLOSE_UP_STEP, neighbours, minSize=(smallest, smallest),
        maxSize=(largest, largest),
    )  # fmt: skip
    if len(found) == 0:
        return None
    middle = np.array([cx - x0, cy - y0]) * scale
    fx, fy, fw, fh = min(found, key=lambda r: np.hypot(*(r[:2] + r[2:] / 2 - middle)))
    h, w = pixels.shape[:2]
    return (
        (x0 + fx / scale) / w,
        (y0 + fy / scale) / h,
        (x0 + (fx + fw) / scale) / w,
        (y0 + (fy + fh) / scale) / h,
    )


def around_face(face: Box) -> Box:
    """The head-and-shoulders crop around a face box, clipped to the page."""
    x0, y0, x1, y1 = face
    fw, fh = x1 - x0, y1 - y0
    return (
        max(0.0, x0 - CROP_SIDE * fw),
        max(0.0, y0 - CROP_ABOVE * fh),
        min(1.0, x1 + CROP_SIDE * fw),
        min(1.0, y1 + CROP_BELOW * fh),
    )


def relative(rect: Rect, shape: tuple[int, ...]) -> Box:
    """A pixel rectangle of an image of ``shape`` as a relative box."""
    h, w = shape[:2]
    x, y, rw, rh = rect
    return (x / w, y / h, (x + rw) / w, (y + rh) / h)


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def iou(a: Rect, b: Rect) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def layout_box(spec: DocumentSpec | None, name: str) -> Box | None:
    """The catalogue entry's layout box of a graphic field, if it has one."""
    if spec is None:
        return None
    return next((f.box for f in spec.fields if f.name == name and f.box), None)


def portrait_expected(spec: DocumentSpec | None) -> bool:
    """Whether the document carries a portrait: every front side does (ID cards, passports,
    visas, licences), a back side does not; an unknown document is taken to be a front.
    The catalogue's side is used rather than a missing Portrait layout box: most entries
    map no layout at all."""
    return spec is None or spec.side != "back"


def portrait_check(pixels: np.ndarray, face: Box | None, spec: DocumentSpec | None) -> int:
    """ImageQualityCheckType 7: OK when a clear face was found, ERROR when the face is
    unclear or missing, NOT_DONE when none was found on a side that carries no portrait."""
    if face is None:
        return ERROR if portrait_expected(spec) else NOT_DONE
    return OK if is_clear(pixels, face) else ERROR


def face_pixels(pixels: np.ndarray, face: Box) -> np.ndarray:
    """The grey pixels of a face box."""
    crop = crop_box(pixels, face)
    if crop is None:
        return np.zeros((0, 0), np.uint8)
    return cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop


def face_detail(grey_face: np.ndarray) -> float:
    """Variance of the Laplacian of the face at PROBE_SIDE px over its grey variance."""
    probe = cv2.resize(grey_face, (PROBE_SIDE, PROBE_SIDE), interpolation=cv2.INTER_AREA)
    probe = probe.astype(np.float32)
    spread = float(probe.var())
    if spread < 1.0:
        return 0.0
    return float(cv2.Laplacian(probe, cv2.CV_32F).var()) / spread


def is_clear(pixels: np.ndarray, face: Box) -> bool:
    """Whether a face is big and sharp enough to be compared."""
    grey = face_pixels(pixels, face)
    if min(grey.shape[:2]) < MIN_FACE_PX:
        return False
    return face_detail(grey) >= MIN_FACE_DETAIL
