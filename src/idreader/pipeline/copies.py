"""Copies of a document: shown on a screen, printed in colour, or printed or copied in grey.

Measurements, each with a decision against a module threshold:

* `screen_score`: the periodic colour pattern a screen adds (sub-pixel stripes, their moiré
  with the camera's sensor), measured on the photo itself inside the document's quad. The
  pattern lives in the camera's pixel grid, not on the document: rectifying would resample
  (blur) it and stretch it with the perspective.
* `halftone_score`: a print's square dot lattice, measured on the rectified document: the dots
  lie on the paper, so undoing the perspective makes their lattice regular again.
* `colour_measures`: (spread, tint). Chromaticity is measured against the document's own
  median, so a white-balance cast or dim light, which move every pixel alike, leave a colour
  original's spread; a grey print has no spread and, unlike a tinted monochrome original, a
  neutral median.

Periodic patterns are found by Welch-averaging the power spectra of windowed tiles and taking
the most prominent peak in a high-frequency band (see `_prominence_map`), per opponent channel
(luma, red-green, yellow-blue). The decisions' thresholds are settings (``QualityThresholds``),
chosen with `training/calibrate_copies.py` on generated calibration sets (seeds 11 and 21-24,
never the bench's 1 and 2): 150-300 images each with the random mix of defects, some with a
copy defect forced in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import cv2
import numpy as np

from idreader.config import QualityThresholds
from idreader.pipeline.pixels import resize_to_width

# BGR -> orthonormal opponent channels: luma, red-green, yellow-blue (rows).
OPPONENT = np.array(
    [
        [1 / np.sqrt(3), 1 / np.sqrt(3), 1 / np.sqrt(3)],
        [0.0, -1 / np.sqrt(2), 1 / np.sqrt(2)],
        [-2 / np.sqrt(6), 1 / np.sqrt(6), 1 / np.sqrt(6)],
    ],
    np.float32,
)
TILE = 128  # spectrum tile side; 64 when fewer than MIN_TILES fit the document
MIN_TILES = 4
MAX_TILES = 10  # evenly spread over the document; more only cost time
INSET = 0.9  # tiles lie inside the quad shrunk by this factor about its centre (edges, shadow)
RING = 9  # peak prominence: log power over the mean of this neighbourhood (centre 3x3 excluded)
RADIAL = 1.3  # ... and over the power at this ratio of frequencies in the same direction
SCREEN_BAND = (0.08, 0.71)  # cycles/px: screen pixel pitches of 1.4 to 12 photo pixels
HALFTONE_BAND = (0.2, 0.71)  # cycles/px: print screens of 1.4 to 5 document pixels
COLOUR_WIDTH = 320  # the document is measured for colour at this width (noise averages out)
COLOUR_DAMPING = 20.0  # added to each channel before ratios so dark pixels' noise stays small
COLOUR_DISTANCE = 0.15  # log-chromaticity distance from the document's median that is colour


@dataclass(frozen=True)
class CopyScores:
    """All copy measurements of one image (see the module's functions)."""

    screen: float
    halftone: float
    spread: float
    tint: float
    limits: QualityThresholds = field(default_factory=QualityThresholds)  # for the decisions

    @property
    def screen_capture(self) -> bool:
        return self.screen >= self.limits.screen_min_score

    @property
    def printed_copy(self) -> bool:
        """A colour print: a dot lattice that is not a screen's grid."""
        return self.halftone >= self.limits.halftone_min_score and not self.screen_capture

    @property
    def black_white(self) -> bool:
        """No colour anywhere and a neutral paper: a black-and-white print, copy or scan."""
        limits = self.limits
        return self.spread <= limits.grey_max_spread and self.tint <= limits.grey_max_tint


def measure_copies(
    frame: np.ndarray,
    corners: np.ndarray,
    document: np.ndarray,
    limits: QualityThresholds | None = None,
) -> CopyScores:
    """Every copy measurement: `frame` is the photo, `corners` the document's quad in it (the
    frame's corners when no edge was found), `document` the rectified document."""
    spread, tint = colour_measures(document)
    limits = limits or QualityThresholds()
    return CopyScores(screen_score(frame, corners), halftone_score(document), spread, tint, limits)


# ---------------------------------------------------------------------------- measurements


def screen_score(frame: np.ndarray, corners: np.ndarray) -> float:
    """Mean over the two chroma channels of their most prominent high-frequency peak, on the
    photo inside the document. A screen's sub-pixel stripes and their moiré are coloured;
    guilloche and type mostly are not (a colour print's C, M, Y dot lattices can be)."""
    power = _power(frame, corners, OPPONENT[1:])
    if power is None:
        return 0.0
    return float(np.mean(_prominence(power, SCREEN_BAND)))


def halftone_score(document: np.ndarray) -> float:
    """Prominence of the strongest square lattice in the rectified document's luma: a peak
    whose quarter-turned twin (same frequency, at right angles) is prominent too, as a print's
    dot screen is. Hatching, guilloche and type give peaks in one direction only."""
    h, w = document.shape[:2]
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    power = _power(document, frame, OPPONENT[:1])
    if power is None:
        return 0.0
    peaks = _prominence_map(power[0], HALFTONE_BAND)
    size = len(peaks)
    turned = peaks.T[(-np.arange(size)) % size]  # value at the frequency turned by 90 degrees
    wrapped = cv2.copyMakeBorder(turned, 1, 1, 1, 1, cv2.BORDER_WRAP)
    twin = cv2.dilate(wrapped, np.ones((3, 3), np.uint8))[1:-1, 1:-1]  # a bin's slack
    return float(np.minimum(peaks, twin).max())


def colour_measures(document: np.ndarray) -> tuple[float, float]:
    """(spread, tint) of the document's colours: the share of pixels whose chromaticity is
    COLOUR_DISTANCE or more from the document's median, and the paper's distance from neutral
    grey (the median of the brightest quarter of pixels, as white balance judges paper).
    Chromaticity is log(R/G), log(B/G) of the damped channels; clipped pixels (neutral
    whatever the paper) and dark ones (noisy) are left out of both medians."""
    small = _shrink(document, COLOUR_WIDTH).astype(np.float32)
    h, w = small.shape[:2]
    m = w // 40  # the quad's edge may carry a sliver of background
    if h > 4 * m and m:
        small = small[m : h - m, m : w - m]
    b, g, r = (channel.ravel() + COLOUR_DAMPING for channel in cv2.split(small))
    red, blue = np.log(r / g), np.log(b / g)
    darkest, brightest = np.minimum(np.minimum(b, g), r), np.maximum(np.maximum(b, g), r)
    usable = (darkest > 20 + COLOUR_DAMPING) & (brightest < 250 + COLOUR_DAMPING)
    if usable.sum() < 50:
        usable[:] = True
    centre_r, centre_b = float(np.median(red[usable])), float(np.median(blue[usable]))
    far = (red - centre_r) ** 2 + (blue - centre_b) ** 2 >= COLOUR_DISTANCE**2
    light = g + r + b
    paper = usable & (light >= np.percentile(light[usable], 75))
    tint = np.hypot(np.median(red[paper]), np.median(blue[paper]))
    return float(far.mean()), float(tint)


# ---------------------------------------------------------------------------- spectra


def _shrink(pixels: np.ndarray, width: int) -> np.ndarray:
    return pixels if pixels.shape[1] <= width else resize_to_width(pixels, width)


def _tile_origins(corners: np.ndarray, shape: tuple[int, ...], size: int) -> np.ndarray:
    """Top-left corners of half-overlapping size x size tiles lying inside the (inset) quad."""
    h, w = shape[:2]
    quad = np.asarray(corners, np.float64)
    quad = quad.mean(axis=0) + (quad - quad.mean(axis=0)) * INSET
    (x0, y0), (x1, y1) = np.maximum(quad.min(axis=0), 0), quad.max(axis=0)
    xs = np.arange(x0, min(x1, w) - size, size // 2)
    ys = np.arange(y0, min(y1, h) - size, size // 2)
    if not len(xs) or not len(ys):
        return np.zeros((0, 2), int)
    origins = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    inside = np.ones(len(origins), bool)
    for dx, dy in ((0, 0), (size, 0), (0, size), (size, size)):
        inside &= _in_convex(quad, origins + np.array([dx, dy]))
    origins = origins[inside].astype(int)
    if len(origins) > MAX_TILES:
        origins = origins[np.linspace(0, len(origins) - 1, MAX_TILES).round().astype(int)]
    return origins


def _in_convex(quad: np.ndarray, points: np.ndarray) -> np.ndarray:
    edges = np.roll(quad, -1, axis=0) - quad
    rel = points[:, None, :] - quad[None, :, :]
    cross = edges[None, :, 0] * rel[..., 1] - edges[None, :, 1] * rel[..., 0]
    return (cross >= 0).all(axis=1) | (cross <= 0).all(axis=1)


def _power(pixels: np.ndarray, corners: np.ndarray, channels: np.ndarray) -> np.ndarray | None:
    """Welch power spectra (c, s, s) of the `channels` (rows of OPPONENT) over tiles inside
    the quad."""
    size = TILE
    origins = _tile_origins(corners, pixels.shape, size)
    if len(origins) < MIN_TILES:
        size = TILE // 2
        origins = _tile_origins(corners, pixels.shape, size)
    if not len(origins):
        return None
    window = _window(size)
    total = np.zeros((len(channels), size, size), np.float32)
    for x, y in origins:
        tile = cv2.transform(pixels[y : y + size, x : x + size].astype(np.float32), channels)
        for c, channel in enumerate(cv2.split(tile.reshape(size, size, -1))):
            spectrum = cv2.dft((channel - channel.mean()) * window, flags=cv2.DFT_COMPLEX_OUTPUT)
            total[c] += cv2.magnitude(spectrum[..., 0], spectrum[..., 1]) ** 2
    return total / len(origins)


@cache
def _window(size: int) -> np.ndarray:
    hann = np.hanning(size).astype(np.float32)
    return np.outer(hann, hann)


def _prominence(power: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    """Per channel: the highest peak prominence (see `_prominence_map`) in the band."""
    return np.array([_prominence_map(channel, band).max() for channel in power], np.float32)


def _prominence_map(power: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    """Log power over the larger of two references, per bin of the band (a floor elsewhere):
    the mean of its 9x9 neighbourhood and the power at RADIAL times smaller and larger
    frequencies in the same direction. A periodic pattern is an isolated peak; a straight edge
    or line (page edge, fold, a rule) is a ridge through the origin, as strong further out.

    A floor at half the band's median power keeps the deep valleys of a blurred spectrum from
    making ordinary bins look like peaks."""
    size = power.shape[-1]
    mask = _band_mask(size, *band)
    inner, outer = _radial_neighbours(size, *band)
    floor = 0.5 * float(np.median(power[mask])) + 1e-6
    log = np.log(power + floor)
    pad = RING // 2
    wrapped = cv2.copyMakeBorder(log, pad, pad, pad, pad, cv2.BORDER_WRAP)
    ring = cv2.boxFilter(wrapped, -1, (RING, RING), normalize=False)[pad:-pad, pad:-pad]
    core = cv2.boxFilter(wrapped, -1, (3, 3), normalize=False)[pad:-pad, pad:-pad]
    around = (ring - core) / (RING * RING - 9)
    core = core.ravel() / 9
    out = np.full((size, size), -10.0, np.float32)
    out[mask] = log[mask] - np.maximum(around[mask], (core[inner] + core[outer]) / 2)
    return out


@cache
def _radial_neighbours(size: int, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices of the bins at 1/RADIAL and RADIAL times each band bin's frequency."""
    f = np.fft.fftfreq(size)
    fx, fy = (v[_band_mask(size, low, high)] for v in np.meshgrid(f, f))

    def index(scale: float) -> np.ndarray:
        col = np.round(fx * scale * size).astype(int) % size
        row = np.round(fy * scale * size).astype(int) % size
        return row * size + col

    return index(1 / RADIAL), index(RADIAL)


@cache
def _band_mask(size: int, low: float, high: float) -> np.ndarray:
    """Frequencies within [low, high] cycles/px, less JPEG's 8x8 block grid and its
    harmonics (peaks at multiples of 1/8 on both axes, whatever the content)."""
    f = np.fft.fftfreq(size)
    fx, fy = np.meshgrid(f, f)
    radius = np.hypot(fx, fy)

    def on_grid(v: np.ndarray) -> np.ndarray:
        return np.abs(v * 8 - np.round(v * 8)) * size / 8 <= 1.01

    return (radius >= low) & (radius <= high) & ~(on_grid(fx) & on_grid(fy))
