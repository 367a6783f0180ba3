"""Find and decode the PDF417 and QR symbols on a document image.

Cheap first, escalating only on failure:

1. zxing-cpp reads the whole grey image (it tries the 90/180/270 degree turns itself) with its
   local-average binariser, then with its global-histogram one. Most symbols end here.
2. When that decodes nothing, the stage looks for barcode-like regions itself: dense blocks of
   strong edges (a PDF417 is a block of bars, a QR code a block of squares), then the places
   where zxing saw a symbol it could not decode. Each region is levelled, because zxing's
   PDF417 reader gives up beyond about 3 degrees of skew: rotated by the dominant edge
   direction of its structure tensor, by its outline when that disagrees (a motion blur
   streaks the tensor), and warped from its outline to a rectangle when the photo was taken
   at a slant. Each view is scaled until a module is about 3 px wide and read again, under
   treatments of growing cost: zxing's two binarisers, a twice larger copy (blur), Otsu's
   threshold, unsharp masking at half a module (defocus), an adaptive threshold. Each
   treatment is tried on every region before the next one.

The search ends at the first success: one zxing pass over the whole image reports every symbol
it can read, and escalation stops at the first symbol it decodes. So a document carrying
both a PDF417 and a QR code that zxing cannot read as they are gets only one of them; ask
for the other format alone to look for it.

A decode that needed error correction does not end the search: it is confirmed when
another attempt agrees with it or decodes without any correction, kept as a fallback if
nothing better comes, and dropped if it spent most of its error-correction capacity. A badly
sampled (skewed, blurred) PDF417 with little error correction can, rarely, "decode" to
garbage, even in zxing's own pass over the whole image.

A ``deadline`` is checked before every zxing call; once it has passed, ``find_barcodes``
raises ``ProcessingTimeout`` like the pipeline's other stages, whatever it found so far.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
import zxingcpp

from idreader.pipeline.types import Deadline

FORMATS: dict[str, zxingcpp.BarcodeFormat] = {
    "pdf417": zxingcpp.BarcodeFormat.PDF417,
    "qr": zxingcpp.BarcodeFormat.QRCode,
}
LOCAL, GLOBAL, FIXED = (
    zxingcpp.Binarizer.LocalAverage,
    zxingcpp.Binarizer.GlobalHistogram,
    zxingcpp.Binarizer.FixedThreshold,
)

WHOLE_MAX_SIDE = 2000  # px: the whole image is read at most this large

# Region search, on a grid of square cells about MAP_CELLS along the image's long side.
MAP_CELLS = 320
MIN_CELL = 2
SMOOTH_SIGMA = 1.0  # px; wipes a screen's pixel grid and sensor noise, keeps the bars
EDGE_FLOOR = 40.0  # mean |Sobel x| + |Sobel y| of a cell below which nothing is a barcode
EDGE_SHARE = 0.45  # a barcode cell's edge energy, as a share of the image's strongest cells
MIN_REGION_CELLS = 24
MIN_REGION_SHARE = 0.002  # of the image's area
MAX_REGION_SHARE = 0.5  # larger blocks are texture (a screen, a patterned background)
MIN_FILL = 0.5  # region area / area of its minimum-area rectangle
MAX_REGIONS = 3
MARGIN_CELLS = 2.5  # quiet zone added around a region, in cells...
MARGIN_SHARE = 0.06  # ... plus this share of its size all round...
ROW_MARGIN_SHARE = 0.05  # ... plus this share of its length at both ends of its rows

# Views of a region
OUTLINE_DISAGREES_DEG = 1.5  # outline and tensor angles further apart: level by both
MIN_SLANT = 0.04  # relative difference of opposite sides above which a region is rectified
TARGET_MODULE_PX = 3.0  # zxing reads a PDF417 reliably from about 2 px a module
MAX_UPSCALE = 4.0
MAX_VIEW_SIDE = 2400
BLUR_UPSCALE = 2.0
SHARPEN_SIGMA_MODULES, SHARPEN_MIN_SIGMA, SHARPEN_MAX_SIGMA = 0.55, 1.5, 6.0
SHARPEN_AMOUNT = 2.0
ADAPTIVE_BLOCK_MODULES, ADAPTIVE_MIN_BLOCK = 8.0, 15
# An unconfirmed decode that left less of its error correction unused than this is dropped:
# near its capacity, Reed-Solomon decoding can "correct" to garbage.
MIN_UNCONFIRMED_UEC = 0.25


@dataclass(frozen=True, eq=False)
class Symbol:
    """A decoded barcode. ``text``: the content as characters, control characters as they are
    (an AAMVA payload's LF, RS, CR); ``raw``: its bytes. ``corners``: 4x2 float32, the symbol's
    TL TR BR BL (in the symbol's own orientation, as zxing reports them) in the given image's
    pixels."""

    format: str  # "pdf417" | "qr"
    text: str
    raw: bytes
    corners: np.ndarray


def find_barcodes(
    pixels: np.ndarray,
    *,
    formats: Sequence[str] = ("pdf417", "qr"),
    deadline: Deadline | None = None,
    thorough: bool = True,
) -> list[Symbol]:
    """The PDF417 and QR symbols decoded on ``pixels`` (BGR or grey), in ``formats`` order,
    at most one of each format; ``thorough`` False: zxing's passes over the whole image only
    (a few ms, for documents that are not expected to carry a barcode)."""
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise ValueError(f"unknown barcode formats: {', '.join(unknown)}")
    grey = _grey(pixels)
    search = _Search({name: FORMATS[name] for name in formats}, deadline)
    if grey is None or not search.wanted:
        return []
    whole = _whole(grey)
    if (
        not (
            search.read(whole, LOCAL, escalated=False)
            or search.read(whole, GLOBAL, escalated=False)
        )
        and thorough
    ):
        _escalate(search, grey)
    found = search.results()
    return [found[name] for name in formats if name in found]


# ---------------------------------------------------------------------------- reading


@dataclass
class _View:
    pixels: np.ndarray  # grey
    to_input: np.ndarray  # 3x3: view pixels -> input pixels
    module: float = 0.0  # estimated module width in px, 0 when unknown


def _whole(grey: np.ndarray) -> _View:
    """The whole image, shrunk to WHOLE_MAX_SIDE (zxing's time grows with the pixels; on
    a larger photo the modules are large enough)."""
    scale = WHOLE_MAX_SIDE / max(grey.shape)
    if scale >= 1.0:
        return _View(grey, np.eye(3))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return _View(small, np.diag([1 / scale, 1 / scale, 1.0]))


@dataclass
class _Search:
    """Runs zxing; keeps the first confirmed symbol of each format, the decodes still to be
    confirmed, and the places of symbols zxing saw but could not decode."""

    wanted: dict[str, zxingcpp.BarcodeFormat]
    deadline: Deadline | None
    found: dict[str, Symbol] = field(default_factory=dict)
    tentative: dict[str, list[tuple[float, Symbol]]] = field(default_factory=dict)
    hints: list[np.ndarray] = field(default_factory=list)

    def read(self, view: _View, binarizer: zxingcpp.Binarizer, *, escalated: bool) -> bool:
        """Read the view; True once a symbol is confirmed. An ``escalated`` view (a region
        of the image, made for zxing) is read at its own scale only."""
        if self.deadline is not None:
            self.deadline.check()
        missing = [fmt for name, fmt in self.wanted.items() if name not in self.found]
        results = zxingcpp.read_barcodes(
            view.pixels,
            formats=missing,
            try_rotate=True,
            try_downscale=not escalated,
            binarizer=binarizer,
            text_mode=zxingcpp.TextMode.Plain,
            return_errors=True,
        )
        for result in results:
            name = _format_name(result.format)
            if name is None or name in self.found:
                continue
            corners = _apply(view.to_input, _corners(result))
            symbol = Symbol(name, result.text, result.bytes, corners)
            if result.valid:
                self._weigh(symbol, _unused_correction(result))
            else:
                self.hints.append(corners)
        return bool(self.found)

    def _weigh(self, symbol: Symbol, unused: float) -> None:
        """Confirm an error-free decode, or one another decode agrees with; keep the rest."""
        earlier = self.tentative.setdefault(symbol.format, [])
        if unused >= 1.0 or any(other.raw == symbol.raw for _, other in earlier):
            self.found[symbol.format] = symbol
        else:
            earlier.append((unused, symbol))

    def results(self) -> dict[str, Symbol]:
        """The confirmed symbols, else the unconfirmed decode of each format that spent the
        least error correction, unless it spent too much."""
        out = dict(self.found)
        for name, decodes in self.tentative.items():
            unused, symbol = max(decodes, key=lambda item: item[0], default=(0.0, None))
            if name not in out and symbol is not None and unused >= MIN_UNCONFIRMED_UEC:
                out[name] = symbol
        return out


def _unused_correction(result) -> float:
    """The share of its error-correction capacity a decode left unused (1: no error)."""
    extra = result.extra if isinstance(result.extra, dict) else {}
    return float(extra.get("UEC", 1.0))


def _escalate(search: _Search, grey: np.ndarray) -> None:
    """Every treatment over every region's views, cheapest first, until a symbol is found."""
    regions = [_RegionViews(grey, region) for region in _regions(grey, search.hints)]
    for stage in _STAGES:
        for region in regions:
            for view in region.views(stage.scale):
                if search.read(stage.prepare(view), stage.binarizer, escalated=True):
                    return


@dataclass(frozen=True)
class _Stage:
    binarizer: zxingcpp.Binarizer
    scale: float = 1.0  # on top of the scale that brings a module to TARGET_MODULE_PX
    prepare: Callable[[_View], _View] = lambda view: view


# ---------------------------------------------------------------------------- regions


@dataclass(frozen=True)
class _Region:
    quad: np.ndarray  # 4x2 float32, clockwise from the corner nearest the top left, margin in
    angles: tuple[float, ...]  # directions (radians) to turn horizontal, best guess first
    slanted: bool


def _regions(grey: np.ndarray, hints: list[np.ndarray]) -> list[_Region]:
    """Where a barcode may be: the densest blocks of strong edges, then the places where
    zxing saw a symbol it could not decode, at most MAX_REGIONS in all."""
    maps = _EdgeMaps.of(grey)
    regions: list[_Region] = []
    for quad in [*maps.blocks(), *(_clockwise(hint) for hint in hints)]:
        if len(regions) >= MAX_REGIONS:
            break
        if any(_overlaps(quad, region.quad) for region in regions):
            continue
        tensor, outline = maps.skew(quad), _outline_angle(quad)
        angles = (tensor,)
        if abs(_angle_between(tensor, outline)) > math.radians(OUTLINE_DISAGREES_DEG):
            angles = (tensor, outline)
        expanded = _expanded(quad, maps.cell, tensor)
        regions.append(_Region(expanded, angles, _slant(quad) > MIN_SLANT))
    return regions


@dataclass(frozen=True)
class _EdgeMaps:
    """Edge energy and structure tensor of the lightly smoothed image, averaged over square
    cells of ``cell`` pixels."""

    cell: int
    energy: np.ndarray  # mean |gx| + |gy|
    jxx: np.ndarray
    jyy: np.ndarray
    jxy: np.ndarray

    @classmethod
    def of(cls, grey: np.ndarray) -> _EdgeMaps:
        h, w = grey.shape
        cell = max(MIN_CELL, round(max(h, w) / MAP_CELLS))
        size = (max(1, w // cell), max(1, h // cell))
        src = cv2.GaussianBlur(grey[: size[1] * cell, : size[0] * cell], (0, 0), SMOOTH_SIGMA)
        gx = cv2.Sobel(src, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(src, cv2.CV_32F, 0, 1, ksize=3)

        def mean(a: np.ndarray) -> np.ndarray:
            return cv2.resize(a, size, interpolation=cv2.INTER_AREA)

        energy = mean(np.abs(gx) + np.abs(gy))
        return cls(cell, energy, mean(gx * gx), mean(gy * gy), mean(gx * gy))

    def blocks(self) -> list[np.ndarray]:
        """Outlines (input pixels, clockwise) of the dense edge blocks, strongest first."""
        top = float(np.percentile(self.energy, 99.5))
        mask = (self.energy > max(EDGE_FLOOR, EDGE_SHARE * top)).astype(np.uint8)
        kernel = np.ones((3, 3), np.uint8)
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, iterations=2)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        min_area = max(MIN_REGION_CELLS, MIN_REGION_SHARE * mask.size)
        scored = []
        for contour in contours:
            area = cv2.contourArea(contour)
            rect = cv2.minAreaRect(contour)
            rw, rh = rect[1]
            if not min_area <= area <= MAX_REGION_SHARE * mask.size:
                continue
            if min(rw, rh) < 3 or area < MIN_FILL * rw * rh:
                continue
            quad = _outline(contour, rect)
            weight = float(cv2.mean(self.energy, _quad_mask(quad, mask.shape))[0]) * area
            scored.append((weight, _clockwise((quad + 0.5) * self.cell)))
        scored.sort(key=lambda item: -item[0])
        return [quad for _, quad in scored]

    def skew(self, quad: np.ndarray) -> float:
        """The dominant gradient direction inside the quad, radians within +-45 degrees:
        across the bars of a PDF417, along one module axis of a QR code."""
        cells = _quad_mask(quad / self.cell - 0.5, self.energy.shape)
        if not cells.any():
            return 0.0
        jxx, jyy, jxy = (float(cv2.mean(m, cells)[0]) for m in (self.jxx, self.jyy, self.jxy))
        return _quarter(0.5 * math.atan2(2 * jxy, jxx - jyy))


def _outline(contour: np.ndarray, rect: tuple) -> np.ndarray:
    """Four corners of a blob: its convex hull simplified to a quadrilateral when that
    works (keeps a slant), otherwise its minimum-area rectangle."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for share in (0.02, 0.04, 0.06):
        approx = cv2.approxPolyDP(hull, share * perimeter, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            return approx.reshape(4, 2).astype(np.float32)
    return cv2.boxPoints(rect).astype(np.float32)


def _outline_angle(quad: np.ndarray) -> float:
    """Mean direction of the quad's sides, modulo 90 degrees, weighted by their lengths."""
    sides = np.roll(quad, -1, axis=0) - quad
    lengths = np.hypot(sides[:, 0], sides[:, 1])
    angles = 4 * np.arctan2(sides[:, 1], sides[:, 0])
    mean = math.atan2(float(lengths @ np.sin(angles)), float(lengths @ np.cos(angles)))
    return _quarter(mean / 4)


def _quarter(angle: float) -> float:
    """The angle modulo 90 degrees, within +-45 degrees."""
    return (angle + math.pi / 4) % (math.pi / 2) - math.pi / 4


def _angle_between(a: float, b: float) -> float:
    return _quarter(a - b)


def _clockwise(quad: np.ndarray) -> np.ndarray:
    """Corners in clockwise order on screen, starting nearest the top left."""
    quad = np.asarray(quad, np.float32).reshape(4, 2)
    centre = quad.mean(axis=0)
    quad = quad[np.argsort(np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0]))]
    return np.roll(quad, -int(np.argmin(quad.sum(axis=1))), axis=0)


def _expanded(quad: np.ndarray, cell: int, rows: float) -> np.ndarray:
    """The quad grown by a quiet-zone margin all round, and further at both ends of the
    rows (``rows``: their direction), where a PDF417's start and stop patterns, with wide bars
    and few edges, can fall outside the dense block."""
    centre = quad.mean(axis=0)
    size = float(np.mean(np.hypot(*(np.roll(quad, -1, axis=0) - quad).T)))
    margin = MARGIN_CELLS * cell + MARGIN_SHARE * size
    along = np.array([math.cos(rows), math.sin(rows)], np.float32)
    length = float(np.ptp((quad - centre) @ along))
    out = []
    for corner in quad:
        offset = corner - centre
        norm = float(np.hypot(*offset)) or 1.0
        ends = along * math.copysign(ROW_MARGIN_SHARE * length, float(offset @ along))
        out.append(corner + offset / norm * margin * math.sqrt(2) + ends)
    return np.array(out, np.float32)


def _overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether either quad holds the other's centre."""

    def holds(quad: np.ndarray, point: np.ndarray) -> bool:
        where = (float(point[0]), float(point[1]))
        return cv2.pointPolygonTest(quad.reshape(-1, 1, 2), where, False) >= 0

    return holds(b, a.mean(axis=0)) or holds(a, b.mean(axis=0))


def _quad_mask(quad: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 1)
    return mask


def _slant(quad: np.ndarray) -> float:
    """How far the quad is from a parallelogram: the larger relative difference between
    opposite sides."""
    sides = np.hypot(*(np.roll(quad, -1, axis=0) - quad).T)
    return max(abs(sides[i] - sides[i + 2]) / max(sides[i], sides[i + 2], 1.0) for i in range(2))


# ---------------------------------------------------------------------------- views


class _RegionViews:
    """A region's views (levelled by each of its angles, rectified if slanted) at the scale
    that makes a module about TARGET_MODULE_PX wide, each made on first use."""

    def __init__(self, grey: np.ndarray, region: _Region) -> None:
        self.makers: list[Callable[[float], _View]] = [
            lambda s, a=angle: _levelled(grey, region.quad, a, s) for angle in region.angles
        ]
        if region.slanted:
            self.makers.append(lambda s: _rectified(grey, region.quad, s))
        self.side = float(np.ptp(region.quad, axis=0).max())
        self.modules: dict[int, float] = {}  # module width at scale 1
        self.scales: dict[int, float] = {}
        self.cache: dict[tuple[int, float], _View] = {}

    def views(self, extra: float) -> Iterator[_View]:
        """Every view, ``extra`` times larger than its module scale (unless too large)."""
        for i in range(len(self.makers)):
            scale = self._scale(i) * extra
            if extra == 1.0 or self.side * scale <= MAX_VIEW_SIDE:
                yield self._view(i, scale)

    def _scale(self, i: int) -> float:
        if i not in self.scales:
            first = self._view(i, 1.0)
            self.modules[i] = first.module = _module_px(first.pixels)
            self.scales[i] = _scale_for(first.module, first.pixels.shape)
        return self.scales[i]

    def _view(self, i: int, scale: float) -> _View:
        key = (i, round(scale, 3))
        if key not in self.cache:
            self.cache[key] = self.makers[i](scale)
            self.cache[key].module = self.modules.get(i, 0.0) * scale
        return self.cache[key]


def _levelled(grey: np.ndarray, quad: np.ndarray, angle: float, scale: float) -> _View:
    """The quad turned so that the direction ``angle`` (radians, y down) lies horizontal,
    cut to its bounding box and scaled."""
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, s], [-s, c]], np.float64)
    centre = quad.mean(axis=0).astype(np.float64)
    half = np.abs((quad - centre) @ rotation.T).max(axis=0) * scale
    w, h = (max(8, math.ceil(2 * v)) for v in half)
    forward = np.eye(3)
    forward[:2, :2] = scale * rotation
    forward[:2, 2] = np.array([w / 2, h / 2]) - forward[:2, :2] @ centre
    pixels = cv2.warpAffine(
        grey, forward[:2], (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return _View(pixels, np.linalg.inv(forward))


def _rectified(grey: np.ndarray, quad: np.ndarray, scale: float) -> _View:
    """The quad warped to an upright rectangle of its mean side lengths, scaled."""
    sides = np.hypot(*(np.roll(quad, -1, axis=0) - quad).T)
    w = max(8, math.ceil(scale * (sides[0] + sides[2]) / 2))
    h = max(8, math.ceil(scale * (sides[1] + sides[3]) / 2))
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    forward = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    pixels = cv2.warpPerspective(
        grey, forward, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return _View(pixels, np.linalg.inv(forward))


def _module_px(view: np.ndarray) -> float:
    """Rough module width, 0 when unknown. PDF417 codewords and random QR modules both
    average about two modules per run of one colour; across the bars of a PDF417 the runs
    are shortest, so take the rows or the columns, whichever have the shorter mean run
    between their first and last colour change."""
    _, binary = cv2.threshold(view, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    runs = [m for m in (_mean_run(binary), _mean_run(binary.T)) if m > 0]
    return min(runs) / 2.1 if runs else 0.0


def _mean_run(binary: np.ndarray) -> float:
    """Median over a dozen lines through the middle of their mean run length, 0 if too few
    lines cross enough colour changes."""
    h = binary.shape[0]
    runs = []
    for line in binary[h // 5 : h - h // 5 : max(1, h // 12)]:
        changes = np.flatnonzero(np.diff(line))
        if len(changes) >= 8:
            runs.append((changes[-1] - changes[0]) / (len(changes) - 1))
    return float(np.median(runs)) if len(runs) >= 3 else 0.0


def _scale_for(module: float, shape: tuple[int, ...]) -> float:
    if module <= 0 or module >= TARGET_MODULE_PX:
        return 1.0
    return max(1.0, min(MAX_UPSCALE, TARGET_MODULE_PX / module, MAX_VIEW_SIDE / max(shape)))


# ---------------------------------------------------------------------------- binarisations


def _sharpened(view: _View) -> _View:
    """Unsharp masking at about half a module: undoes some defocus."""
    sigma = min(SHARPEN_MAX_SIGMA, max(SHARPEN_MIN_SIGMA, SHARPEN_SIGMA_MODULES * view.module))
    blurred = cv2.GaussianBlur(view.pixels, (0, 0), sigma)
    pixels = cv2.addWeighted(view.pixels, 1 + SHARPEN_AMOUNT, blurred, -SHARPEN_AMOUNT, 0)
    return replace(view, pixels=pixels)


def _otsu(view: _View) -> _View:
    _, binary = cv2.threshold(view.pixels, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return replace(view, pixels=binary)


def _adaptive(view: _View) -> _View:
    """Threshold against the Gaussian-weighted mean of a window some modules wide."""
    modules = view.module or TARGET_MODULE_PX
    block = max(ADAPTIVE_MIN_BLOCK, round(ADAPTIVE_BLOCK_MODULES * modules)) | 1
    binary = cv2.adaptiveThreshold(
        view.pixels, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 5
    )
    return replace(view, pixels=binary)


# In order: each stage runs over every region's views before the next stage starts.
_STAGES = (
    _Stage(LOCAL),
    _Stage(GLOBAL),
    _Stage(LOCAL, scale=BLUR_UPSCALE),
    _Stage(FIXED, prepare=_otsu),
    _Stage(LOCAL, prepare=_sharpened),
    _Stage(FIXED, prepare=_adaptive),
)


# ---------------------------------------------------------------------------- helpers


def _grey(pixels: np.ndarray) -> np.ndarray | None:
    if pixels is None or pixels.size == 0 or min(pixels.shape[:2]) < 8:
        return None
    if pixels.dtype != np.uint8:
        pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    if pixels.ndim == 2:
        return np.ascontiguousarray(pixels)
    code = cv2.COLOR_BGRA2GRAY if pixels.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(pixels, code)


def _format_name(fmt: zxingcpp.BarcodeFormat) -> str | None:
    return next((name for name, wanted in FORMATS.items() if fmt == wanted), None)


def _corners(result) -> np.ndarray:
    p = result.position
    points = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
    return np.array([[c.x, c.y] for c in points], np.float32)


def _apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    out = cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), matrix)
    return out.reshape(-1, 2).astype(np.float32)
