"""Restore stage: undo a photo's camera shake or defocus, or a screen's grid, before reading.

The blur is estimated blind, from the power cepstrum of the photo's most textured tiles: a
straight shake of length L zeroes the spectrum every 1/L along its direction, which leaves a
negative peak L pixels from the cepstrum's origin; a defocus disk of radius R leaves a negative
ring of radius about 2R. A Wiener filter then undoes that kernel on the luma. Only the readers
get the restored pixels: quality and copy checks look at the photo as it came.

When the cepstrum shows no blur clearly enough (or, off a screen, one whose undoing makes the
print read worse), its dips still name shakes worth trying, and a defocus may be any of a
ladder of radii: each is undone in turn, and the one whose print reads best
(``legibility``) wins, if it reads clearly better than the photo as it is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

import cv2
import numpy as np

from idreader.pipeline.types import Deadline

WORK_SIDE = 1280  # blur is estimated and undone on a copy at most this large
TILE = 256  # cepstrum tile side
SMALL_TILE = 128  # ... on a photo too small for TILE (a low-resolution one)
TILES = 48  # the most textured tiles are averaged
MIN_RADIUS = 4  # quefrencies nearer the origin hold the image's own spectrum slope
# Thresholds chosen with training/calibrate_restore.py on generated seeds 11-14, never the
# bench's. A found blur only earns a failed reading a second look, so they lean to finding.
SHAKE_DEPTH = 20.0  # a shake's dip, in robust deviations of the cepstrum, when the deepest
SHAKE_BESIDE = 60.0  # ... when a nearer dip is deeper (print, or what a screen's grid left)
SHAKE_ON_SCREEN = 30.0  # ... when it is, on a photo taken off a screen (its grid's harmonics)
CALIBRATED_SIDE = 1000  # px: the longer side of the calibration photos; lengths below are
# for such photos, and shrink with a smaller photo's print
MIN_SHAKE = 10.0  # px: shorter shakes hardly hurt reading
MIN_SHAKE_FLOOR = 5.0  # px: on any photo, nearer dips are print or what a screen's grid left
ECHO = (0.05, 0.5)  # a shake's dip repeats, about half as deep, twice as far
LINE_COVER = 0.12  # a shake's dip is a point: little of its circle is as deep
MIN_RING = 6.5  # px: a defocus ring's radius (twice the disk's); nearer rings are print
MIN_RING_FLOOR = 4.5  # px: on any photo, nearer rings are the image's own spectrum
RING_SHARE = 0.15  # a ring's mean over its deepest point: a disk dips all round
ON_RING = 1.5  # px: a disk's deepest point lies on its deepest ring
DESCREEN_SIGMA = 1.5  # px: smooths away a screen's sub-pixel grid (pitch 2.5-4 px) before reading
NOISE_FLOOR = 1.0  # share of the noise floor taken off the spectrum for a second estimate
NYQUIST_BAND = 0.45  # cycles/px: frequencies beyond hold only noise on a blurred photo
KEPT_FLOOR = 0.02  # of the noise floor: what the spectrum keeps where noise was all
NOISY_RING = 8.0  # px, on any photo: the shortest ring that counts without the noise floor
NOISE_TO_SIGNAL = {"motion": 0.005, "defocus": 0.01}  # Wiener regularisation, by kind
# The search when the estimate is unsure: disk radii tried (px on a CALIBRATED_SIDE photo; a
# ratio of 1.4 apart, up to the strongest defocus that leaves print legible at all), and how
# much better the winner must read than the photo as it is.
DEFOCUS_LADDER = (1.5, 2.1, 3.0, 4.2, 6.0, 8.4)
CLEARER = 1.25  # times the photo's legibility...
MIN_GAIN = 0.08  # ... and at least this much more (about 8 more characters read)
SAME_SHAKE = 1.0  # px: shakes nearer each other than this are tried once
LEGIBLE = 1 / 3  # a photo reading more is legible: a blur the estimate missed is mild
SEARCH_SIDE = 800  # px: the search reads restorations of a copy at most this large


@dataclass(frozen=True)
class Blur:
    kind: str  # "motion" | "defocus"
    size: float  # shake length or disk radius, px at the analysed scale
    angle: float  # shake direction, radians from +x with y down (motion only)
    score: float  # how deep the cepstral dip is, in robust deviations


def luma(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        return pixels.astype(np.float32)
    return cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY).astype(np.float32)


def power_spectrum(grey: np.ndarray) -> np.ndarray | None:
    """The power spectrum averaged over the most textured tiles; None when the image is too
    small or flat."""
    h, w = grey.shape
    tile = TILE if min(h, w) >= TILE else SMALL_TILE
    if min(h, w) < tile:
        return None
    step = tile // 2
    starts = [(y, x) for y in range(0, h - tile + 1, step) for x in range(0, w - tile + 1, step)]
    spread = [float(grey[y : y + tile, x : x + tile].std()) for y, x in starts]
    chosen = [starts[i] for i in np.argsort(spread)[::-1][:TILES] if spread[i] > 2.0]
    if not chosen:
        return None
    window = np.outer(np.hanning(tile), np.hanning(tile)).astype(np.float32)
    power = np.zeros((tile, tile), np.float64)
    for y, x in chosen:
        patch = grey[y : y + tile, x : x + tile]
        spectrum = cv2.dft((patch - patch.mean()) * window, flags=cv2.DFT_COMPLEX_OUTPUT)
        power += spectrum[..., 0].astype(np.float64) ** 2 + spectrum[..., 1] ** 2
    return power / len(chosen)


def cepstrum(power: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """The power cepstrum, origin at the centre. ``floor``: the share of the noise floor (the
    spectrum's median near the Nyquist frequency, where blur leaves only noise) taken off
    first, so that noise no longer fills the blur's spectral zeros."""
    if floor:
        f = np.fft.fftfreq(power.shape[0])
        noise = float(np.median(power[np.hypot(*np.meshgrid(f, f)) > NYQUIST_BAND]))
        power = np.maximum(power - floor * noise, KEPT_FLOOR * noise)
    spectrum = np.log(power + 1e-3)
    return np.fft.fftshift(np.real(np.fft.ifft2(spectrum - spectrum.mean())))


def _robust_sigma(values: np.ndarray) -> float:
    return float(1.4826 * np.median(np.abs(values - np.median(values)))) + 1e-9


def _parabola_offset(left: float, centre: float, right: float) -> float:
    bend = left - 2 * centre + right
    return 0.0 if bend == 0 else float(np.clip(0.5 * (left - right) / bend, -0.5, 0.5))


@dataclass(frozen=True)
class Dip:
    """A point of the cepstrum, deepest in some band."""

    at: tuple[float, float]  # (dx, dy) from the origin, sub-pixel
    value: float
    depth: float  # in robust deviations of the cepstrum
    cover: float  # share of its circle at least half as deep: near 1 on a disk, 0 on a line
    echo: float  # the dip twice as far along, over this one: about 1/2 for a true shake

    @property
    def distance(self) -> float:
        return math.hypot(*self.at)

    @property
    def angle(self) -> float:
        """The direction of a shake with this dip: radians from +x, y down, in [0, pi)."""
        return math.atan2(self.at[1], self.at[0]) % math.pi


@dataclass(frozen=True)
class Dips:
    """The cepstrum's deepest point, its deepest point far enough to be a shake, and its
    deepest ring."""

    near: Dip  # beyond MIN_RADIUS
    far: Dip  # beyond the shortest shake that counts
    ring_depth: float  # in robust deviations of the ring means
    ring_radius: float  # sub-pixel
    ring_share: float  # the ring's mean over the deepest point's value: high on a disk
    side: int  # the analysed photo's longer side, px: what lengths count scales with it
    floor_off: bool = False  # found with the noise floor taken off the spectrum


def _jpeg_grid(xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """Quefrencies of JPEG's 8-pixel block grid, along either axis: its dips are not blur."""

    def near_eighth(v: np.ndarray) -> np.ndarray:
        rest = np.abs(v) % 8
        return np.minimum(rest, 8 - rest) <= 1

    on_axis = (np.abs(xx) <= 1) | (np.abs(yy) <= 1)
    return on_axis & near_eighth(xx) & near_eighth(yy)


def at_scale(px: float, side: int, floor: float) -> float:
    """A length of ``px`` on a calibration photo, on a photo whose longer side is ``side`` px
    (print is smaller on a smaller photo), never under ``floor``."""
    return max(floor, px * min(side, CALIBRATED_SIDE) / CALIBRATED_SIDE)


def shortest_shake(side: int) -> float:
    """The shortest shake that hurts reading on a photo whose longer side is ``side`` px."""
    return at_scale(MIN_SHAKE, side, MIN_SHAKE_FLOOR)


def find_dips(cep: np.ndarray, side: int) -> Dips:
    """The dips of the cepstrum of a photo whose longer side is ``side`` px."""
    centre = cep.shape[0] // 2
    yy, xx = np.mgrid[-centre:centre, -centre:centre]
    radius = np.hypot(xx, yy)
    band = (radius >= MIN_RADIUS) & (radius < centre - 8)
    sigma = _robust_sigma(cep[band])
    rings = np.rint(radius).astype(int)
    ring_ids = np.arange(MIN_RADIUS, centre - 8)
    sums = np.bincount(rings.ravel(), cep.ravel())
    counts = np.bincount(rings.ravel())
    ring_means = (sums / np.maximum(counts, 1))[ring_ids]
    trend = np.convolve(np.pad(ring_means, 4, mode="edge"), np.ones(9) / 9, mode="valid")
    rel = ring_means - trend
    r = int(np.argmin(rel))
    off = _parabola_offset(*rel[r - 1 : r + 2]) if 0 < r < len(rel) - 1 else 0.0
    searched = band & ~_jpeg_grid(xx, yy)
    near = _deepest(cep, searched, radius, sigma)
    return Dips(
        near=near,
        far=_deepest(cep, searched & (radius >= shortest_shake(side)), radius, sigma),
        ring_depth=-float(rel[r]) / _robust_sigma(rel),
        ring_radius=float(ring_ids[r] + off),
        ring_share=float(ring_means[r]) / near.value if near.value < 0 else 0.0,
        side=side,
    )


def _deepest(cep: np.ndarray, where: np.ndarray, radius: np.ndarray, sigma: float) -> Dip:
    centre = cep.shape[0] // 2
    py, px = np.unravel_index(int(np.argmin(np.where(where, cep, np.inf))), cep.shape)
    dy = py - centre + _parabola_offset(*cep[py - 1 : py + 2, px])
    dx = px - centre + _parabola_offset(*cep[py, px - 1 : px + 2])
    value = float(cep[py, px])
    circle = np.abs(radius - math.hypot(dx, dy)) < 0.75
    ey, ex = round(centre + 2 * dy), round(centre + 2 * dx)
    inside = 1 <= ey < 2 * centre - 1 and 1 <= ex < 2 * centre - 1
    echo = float(cep[ey - 1 : ey + 2, ex - 1 : ex + 2].min()) / value if inside else 0.0
    cover = float(np.mean(cep[circle] < 0.5 * value))
    return Dip((float(dx), float(dy)), value, -value / sigma, cover, echo)


def estimate_blur(pixels: np.ndarray, screen: bool = False) -> Blur | None:
    """The photo's shake or defocus at WORK_SIDE scale, or None when it shows neither;
    ``screen``: the photo was taken off a screen, whose grid leaves dips of its own."""
    return first_blur(dips_of(working_copy(pixels)), screen)


def first_blur(found: Iterable[Dips], screen: bool) -> Blur | None:
    """The blur the first of the cepstrum's estimates (``dips_of``) shows, or None."""
    return next((blur for dips in found if (blur := judge(dips, screen))), None)


def dips_of(small: np.ndarray) -> Iterator[Dips]:
    """The cepstrum's dips, then (when asked for more) those with the noise floor taken off:
    a photo's noise fills the blur's spectral zeros."""
    power = power_spectrum(luma(small))
    if power is None:
        return
    side = max(small.shape[:2])
    yield find_dips(cepstrum(power), side)
    yield replace(find_dips(cepstrum(power, NOISE_FLOOR), side), floor_off=True)


def judge(dips: Dips, screen: bool) -> Blur | None:
    """The shake or defocus the cepstrum's dips show, or None; ``screen`` as for
    ``estimate_blur``. Without the noise floor, only a wide ring counts: taking the floor
    off a sharp print's spectrum leaves near rings of its own, and shakes show without it."""
    shortest_ring = NOISY_RING if dips.floor_off else at_scale(MIN_RING, dips.side, MIN_RING_FLOOR)
    if (
        dips.ring_radius >= shortest_ring
        and dips.ring_share >= RING_SHARE
        and abs(dips.near.distance - dips.ring_radius) <= ON_RING
    ):
        return Blur("defocus", dips.ring_radius / 2, 0.0, dips.ring_depth)
    if dips.floor_off:
        return None
    shake = dips.far
    deep_enough = SHAKE_DEPTH
    # a deeper dip nearer than any shake that counts: print, or a screen's grid
    if dips.near.distance < shortest_shake(dips.side):
        deep_enough = SHAKE_ON_SCREEN if screen else SHAKE_BESIDE
    if shake.depth >= deep_enough and ECHO[0] <= shake.echo <= ECHO[1] and shake.cover < LINE_COVER:
        return Blur("motion", shake.distance, shake.angle, shake.depth)
    return None


def blur_kernel(blur: Blur) -> np.ndarray:
    """The point-spread function the estimate describes, normalised to sum 1."""
    if blur.kind == "defocus":
        half = math.ceil(blur.size) + 1
        yy, xx = np.mgrid[-half : half + 1, -half : half + 1]
        kernel = np.clip(blur.size + 0.5 - np.hypot(xx, yy), 0, 1).astype(np.float32)
    else:
        half = math.ceil(blur.size / 2) + 1
        kernel = np.zeros((2 * half + 1, 2 * half + 1), np.float32)
        end = (math.cos(blur.angle) * blur.size / 2, math.sin(blur.angle) * blur.size / 2)
        for t in np.linspace(-1, 1, max(2, round(blur.size * 4))):
            x, y = half + t * end[0], half + t * end[1]
            ix, iy = math.floor(x), math.floor(y)
            fx, fy = x - ix, y - iy
            kernel[iy : iy + 2, ix : ix + 2] += np.outer([1 - fy, fy], [1 - fx, fx])
    return kernel / kernel.sum()


def deconvolve(grey: np.ndarray, kernel: np.ndarray, noise_to_signal: float) -> np.ndarray:
    """Wiener deconvolution of one channel, its borders padded by reflection."""
    pad = kernel.shape[0] * 2
    grey = grey.astype(np.float32, copy=False)  # cv2.dft's real input
    padded = cv2.copyMakeBorder(grey, pad, pad, pad, pad, cv2.BORDER_REFLECT)
    h, w = padded.shape
    size = (cv2.getOptimalDFTSize(h), cv2.getOptimalDFTSize(w))
    image = cv2.copyMakeBorder(padded, 0, size[0] - h, 0, size[1] - w, cv2.BORDER_CONSTANT)
    psf = np.zeros(size, np.float32)
    kh, kw = kernel.shape
    psf[:kh, :kw] = kernel
    psf = np.roll(psf, (-(kh // 2), -(kw // 2)), axis=(0, 1))
    transfer = cv2.dft(psf, flags=cv2.DFT_COMPLEX_OUTPUT)
    gain = 1.0 / (transfer[..., 0] ** 2 + transfer[..., 1] ** 2 + noise_to_signal)
    spectrum = cv2.mulSpectrums(
        cv2.dft(image, flags=cv2.DFT_COMPLEX_OUTPUT), transfer, 0, conjB=True
    )
    spectrum *= gain[..., None]
    restored = cv2.dft(spectrum, flags=cv2.DFT_INVERSE | cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)
    return restored[pad : pad + grey.shape[0], pad : pad + grey.shape[1]]


def restore(
    pixels: np.ndarray,
    screen: bool,
    legibility: Callable[[np.ndarray], float] | None = None,
    deadline: Deadline | None = None,
) -> np.ndarray | None:
    """The photo made easier to read: a screen's sub-pixel grid smoothed away when it was
    taken off a screen, then its shake or defocus undone; None when neither applies. With
    ``legibility``, a blur is searched for (see the module's docstring) until ``deadline``
    where the estimate found none, or, on a photo off a screen (whose grid's harmonics can
    pass for a shake), where its undoing makes the print read worse."""
    small = working_copy(pixels)
    dips = list(dips_of(small))  # on the photo as taken: smoothing would hide a shake
    blur = first_blur(dips, screen)
    if screen:
        pixels = cv2.GaussianBlur(pixels, (0, 0), DESCREEN_SIGMA)
        small = working_copy(pixels)
    if legibility and dips and (blur is None or screen):  # a screen's grid can pass for blur
        blur = clearest(small, blur, hypotheses(dips), legibility, deadline)
    if blur is None:
        return pixels if screen else None
    return undo(small, blur, pixels.shape[:2])


def hypotheses(dips: list[Dips]) -> list[Blur]:
    """Blurs worth trying when the estimate is unsure: a shake at each of the cepstrum's
    deepest points far enough to count, then a defocus at each radius of the ladder."""
    side = dips[0].side
    points: list[Dip] = []
    for dip in (d for found in dips for d in (found.near, found.far)):
        seen = any(math.dist(dip.at, p.at) < SAME_SHAKE for p in points)
        if dip.distance >= shortest_shake(side) and not seen:
            points.append(dip)
    shakes = [Blur("motion", p.distance, p.angle, p.depth) for p in points]
    scale = side / CALIBRATED_SIDE
    return [*shakes, *(Blur("defocus", r * scale, 0.0, 0.0) for r in DEFOCUS_LADDER)]


def clearest(
    small: np.ndarray,
    estimate: Blur | None,
    blurs: list[Blur],
    legibility: Callable[[np.ndarray], float],
    deadline: Deadline | None,
) -> Blur | None:
    """The blur to undo on ``small``: the ``estimate`` unless its undoing reads worse than
    ``small`` as it is; else, when ``small`` hardly reads, the one of ``blurs`` whose undoing
    reads best, if clearly better. The search reads a copy at most SEARCH_SIDE large, and
    stops at ``deadline`` with what it has."""
    scale = min(1.0, SEARCH_SIDE / max(small.shape[:2]))
    if scale < 1:
        small = cv2.resize(small, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)

    def reads(blur: Blur) -> float:
        return legibility(undo(small, replace(blur, size=blur.size * scale), small.shape[:2]))

    as_is = legibility(small)
    if estimate and reads(estimate) >= as_is:
        return estimate
    if as_is >= LEGIBLE:
        return None
    best, found = max(as_is * CLEARER, as_is + MIN_GAIN), None
    for blur in (b for b in blurs if b != estimate):
        if deadline and deadline.left() <= 0:
            break
        if (score := reads(blur)) > best:
            best, found = score, blur
    return found


def undo(small: np.ndarray, blur: Blur, shape: tuple[int, int]) -> np.ndarray:
    """The BGR working copy with ``blur`` undone on its luma, brought back to ``shape``."""
    ycc = cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb)
    kernel, balance = blur_kernel(blur), NOISE_TO_SIGNAL[blur.kind]
    sharp = deconvolve(ycc[:, :, 0].astype(np.float32), kernel, balance)
    ycc[:, :, 0] = np.clip(sharp, 0, 255).astype(np.uint8)
    restored = cv2.cvtColor(ycc, cv2.COLOR_YCrCb2BGR)
    if restored.shape[:2] != shape:
        restored = cv2.resize(restored, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)
    return restored


def working_copy(pixels: np.ndarray) -> np.ndarray:
    """The photo shrunk to at most WORK_SIDE on its longer side."""
    scale = WORK_SIDE / max(pixels.shape[:2])
    if scale >= 1:
        return pixels
    return cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
