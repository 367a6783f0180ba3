"""The restore stage: blind estimation of shake and defocus, Wiener deconvolution, and the
reader's second look at a failed reading of a blurred photo."""

from __future__ import annotations

import math
import time

import cv2
import numpy as np
import pytest

import idreader.pipeline.reader as reader
import idreader.pipeline.restore as restoring
from idreader.config import Settings
from idreader.pipeline import read
from idreader.pipeline.decode import DecodedImage
from idreader.pipeline.legibility import legibility
from idreader.pipeline.quality import FOCUS
from idreader.pipeline.restore import (
    DESCREEN_SIGMA,
    Blur,
    blur_kernel,
    clearest,
    deconvolve,
    dips_of,
    estimate_blur,
    hypotheses,
    restore,
)
from idreader.pipeline.types import ERROR, OK, Deadline, Options
from idreader.synth.capture import capture, flat_capture
from idreader.synth.generate import identity_for
from idreader.synth.render import render
from idreader.synth.templates import load_templates

WORDS = ["PASSPORT", "SURNAME", "GIVEN", "NAMES", "1984", "MEXICO", "AUTHORITY", "X7Q2"]


def text_card(seed: int = 0, size: tuple[int, int] = (640, 960)) -> np.ndarray:
    """A light card of dark printed words, with a little paper texture."""
    rng = np.random.default_rng(seed)
    card = np.full((*size, 3), 232, np.uint8)
    for y in range(40, size[0] - 20, 34):
        x = int(rng.integers(10, 60))
        while x < size[1] - 150:
            word = str(rng.choice(WORDS))
            scale = float(rng.uniform(0.6, 1.0))
            cv2.putText(card, word, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (30, 30, 40), 2)
            x += int(len(word) * 20 * scale) + int(rng.integers(15, 40))
    noise = rng.normal(0, 2.0, card.shape)
    return np.clip(card + noise, 0, 255).astype(np.uint8)


def shaken(pixels: np.ndarray, length: float, angle_deg: float) -> np.ndarray:
    """Blurred along a drawn line (not the stage's own kernel)."""
    half = math.ceil(length / 2) + 2
    kernel = np.zeros((2 * half + 1, 2 * half + 1), np.float32)
    dx = math.cos(math.radians(angle_deg)) * length / 2
    dy = math.sin(math.radians(angle_deg)) * length / 2
    start = (round((half - dx) * 16), round((half - dy) * 16))
    end = (round((half + dx) * 16), round((half + dy) * 16))
    cv2.line(kernel, start, end, 1.0, 1, cv2.LINE_AA, shift=4)
    return cv2.filter2D(pixels, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)


def defocused(pixels: np.ndarray, radius: int) -> np.ndarray:
    kernel = np.zeros((2 * radius + 3,) * 2, np.float32)
    cv2.circle(kernel, (radius + 1, radius + 1), radius, 1.0, -1, cv2.LINE_AA)
    return cv2.filter2D(pixels, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)


def jpeg(pixels: np.ndarray, quality: int = 80) -> np.ndarray:
    return cv2.imdecode(cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], 1)


def angle_gap(a: float, b: float) -> float:
    gap = abs(a - b) % math.pi
    return math.degrees(min(gap, math.pi - gap))


@pytest.mark.parametrize(("length", "angle"), [(10, 0), (16, 35), (22, 90), (28, 147)])
def test_a_shake_is_found_with_its_length_and_direction(length: float, angle: float):
    blur = estimate_blur(jpeg(shaken(text_card(), length, angle)))
    assert blur is not None and blur.kind == "motion"
    assert abs(blur.size - length) <= 2.5  # a drawn line is about a pixel longer
    assert angle_gap(blur.angle, math.radians(angle)) <= 6


@pytest.mark.parametrize("radius", [4, 6, 8])  # below MIN_RING / 2, reading copes
def test_a_defocus_is_found_with_its_radius(radius: int):
    blur = estimate_blur(jpeg(defocused(text_card(1), radius)))
    assert blur is not None and blur.kind == "defocus"
    assert abs(blur.size - radius) <= 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_sharp_photo_shows_no_blur(seed: int):
    assert estimate_blur(jpeg(text_card(seed), 70)) is None
    assert restore(text_card(seed), screen=False) is None


@pytest.mark.parametrize("size", [(300, 450), (200, 300)])  # the second: smaller cepstrum tiles
def test_on_a_small_photo_a_shorter_blur_counts(size: tuple[int, int]):
    """Print is smaller on a small (low-resolution) photo, so shorter blurs hurt it: an 8 px
    shake and a 3 px defocus, under the lengths that count on a 1000 px photo."""
    card = text_card(2, size)
    shake = estimate_blur(jpeg(shaken(card, 8, 30)))
    assert shake is not None and shake.kind == "motion" and angle_gap(shake.angle, 0.52) <= 10
    defocus = estimate_blur(jpeg(defocused(card, 3)))
    assert defocus is not None and defocus.kind == "defocus" and abs(defocus.size - 3) <= 1
    assert estimate_blur(jpeg(card)) is None
    big_card = text_card(2)
    assert estimate_blur(jpeg(shaken(big_card, 8, 30))) is None  # on 960 px it does not count


def test_without_the_noise_floor_a_dark_noisy_defocus_shows(tmp_path):
    """Noise fills the blur's spectral zeros; taking its floor off shows more defocus in
    dark, noisy photos, and none in sharp ones."""
    from idreader.pipeline.restore import dips_of, judge, working_copy
    from idreader.synth.generate import Plan, make_sample

    found = {}
    for defects in (("defocus", "low_light", "noise"), ()):
        plan = Plan(n=12, seed=31, defects=defects)
        for index in range(12):
            row = make_sample(plan, index, tmp_path)
            small = working_copy(cv2.imread(str(tmp_path / row["image"])))
            looks = [judge(dips, False) for dips in dips_of(small)]
            found.setdefault(defects, []).append([b.kind if b else None for b in looks])
    dark = found["defocus", "low_light", "noise"]
    first = sum(looks[0] == "defocus" for looks in dark)
    either = sum("defocus" in looks for looks in dark)
    assert either >= first + 2 and not any("motion" in looks for looks in dark)
    assert all(looks == [None, None] for looks in found[()])


def test_a_flat_or_tiny_image_shows_no_blur():
    assert estimate_blur(np.full((600, 800, 3), 200, np.uint8)) is None
    assert estimate_blur(np.zeros((100, 100), np.uint8)) is None


def test_the_shake_kernel_is_a_normalised_line_of_the_given_length():
    kernel = blur_kernel(Blur("motion", 12.0, math.radians(30), 0.0))
    assert kernel.sum() == pytest.approx(1.0, abs=1e-5)
    ys, xs = np.nonzero(kernel > kernel.max() * 0.2)
    assert math.hypot(np.ptp(xs), np.ptp(ys)) == pytest.approx(12, abs=1.5)
    disk = blur_kernel(Blur("defocus", 4.0, 0.0, 0.0))
    assert disk.sum() == pytest.approx(1.0, abs=1e-5) and disk.shape == (11, 11)


def test_deconvolving_by_a_point_changes_nothing():
    grey = text_card()[:, :, 0].astype(np.float32)
    point = np.ones((1, 1), np.float32)
    assert np.abs(deconvolve(grey, point, 1e-6) - grey).max() < 0.05


@pytest.mark.parametrize("blurred", ["shake", "defocus"])
def test_restoring_brings_the_photo_nearer_the_sharp_one(blurred: str):
    sharp = text_card(3)
    photo = shaken(sharp, 18, 60) if blurred == "shake" else defocused(sharp, 5)
    restored = restore(jpeg(photo, 90), screen=False)
    assert restored is not None
    assert restored.shape == sharp.shape and restored.dtype == np.uint8
    inner = (slice(40, -40), slice(40, -40))
    before = np.abs(photo[inner].astype(float) - sharp[inner]).mean()
    after = np.abs(restored[inner].astype(float) - sharp[inner]).mean()
    assert after < 0.75 * before


def test_a_large_photo_is_restored_at_its_own_size():
    big = shaken(text_card(4, (1400, 2000)), 24, 20)
    restored = restore(big, screen=False)
    assert restored is not None and restored.shape == big.shape


def searched(photo: np.ndarray, deadline: Deadline | None = None) -> Blur | None:
    return clearest(photo, None, hypotheses(list(dips_of(photo))), legibility, deadline)


@pytest.mark.parametrize(("radius", "seed"), [(6, 0), (8, 1)])
def test_a_defocus_is_found_by_how_well_the_print_reads_once_undone(radius: int, seed: int):
    blur = searched(jpeg(defocused(text_card(seed), radius), 90))
    assert blur is not None and blur.kind == "defocus"
    assert 1 / 1.2 <= blur.size / radius <= 1.2  # the nearest rung of the ladder


def test_a_shake_is_found_by_how_well_the_print_reads_once_undone():
    blur = searched(jpeg(shaken(text_card(0), 20, 30), 90))
    assert blur is not None and blur.kind == "motion"
    assert abs(blur.size - 20) <= 2.5 and angle_gap(blur.angle, math.radians(30)) <= 6


def test_no_blur_is_searched_for_on_a_legible_photo_or_past_the_deadline():
    assert searched(jpeg(text_card(0), 90)) is None  # it reads as it is
    assert searched(jpeg(defocused(text_card(0), 8), 90), Deadline(time.monotonic() - 1)) is None
    photo = jpeg(defocused(text_card(0), 8), 90)
    assert clearest(photo, None, hypotheses(list(dips_of(photo))), lambda px: 0.1, None) is None


def test_a_blur_the_estimate_misses_is_undone_when_the_print_says_so(monkeypatch):
    sharp = text_card(1)
    photo = jpeg(defocused(sharp, 8), 90)
    monkeypatch.setattr(restoring, "judge", lambda dips, screen: None)
    assert restore(photo, screen=False) is None  # nothing to go by without a reader
    restored = restore(photo, False, legibility)
    assert restored is not None and legibility(restored) >= legibility(photo) + 0.25
    inner = (slice(40, -40), slice(40, -40))
    before = np.abs(photo[inner].astype(float) - sharp[inner]).mean()
    assert np.abs(restored[inner].astype(float) - sharp[inner]).mean() < 0.9 * before


def test_off_a_screen_an_estimate_that_makes_the_print_read_worse_is_dropped(monkeypatch):
    photo = jpeg(text_card(2), 90)
    smoothed = cv2.GaussianBlur(photo, (0, 0), DESCREEN_SIGMA)
    monkeypatch.setattr(restoring, "judge", lambda dips, screen: Blur("motion", 24.0, 1.0, 50.0))
    assert not np.array_equal(restore(photo, True), smoothed)  # taken on trust without a reader
    assert np.array_equal(restore(photo, True, legibility), smoothed)  # only the grid smoothed
    assert restore(photo, False, legibility) is not None  # off paper, the estimate is trusted
    shake = jpeg(shaken(text_card(2), 20, 30), 90)
    right = estimate_blur(shake)
    assert right is not None and clearest(shake, right, [], legibility, None) is right


def on_screen(pixels: np.ndarray, pitch: float = 3.2) -> np.ndarray:
    """Under a screen's sub-pixel grid: R, G, B stripes and dark row gaps."""
    yy, xx = np.mgrid[: pixels.shape[0], : pixels.shape[1]].astype(np.float32) / pitch
    rows = 1 + 0.3 * np.cos(2 * np.pi * yy)
    stripes = [1 + 0.6 * np.cos(2 * np.pi * (xx - p)) for p in (2 / 3, 1 / 3, 0.0)]
    grid = np.stack(stripes, axis=-1) * rows[..., None]
    return np.clip(pixels * grid * 0.8, 0, 255).astype(np.uint8)


def grid_power(pixels: np.ndarray, pitch: float = 3.2) -> float:
    """The luma's amplitude at the grid's stripe frequency."""
    grey = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY).astype(np.float32)
    spectrum = np.abs(np.fft.rfft(grey - grey.mean(), axis=1)).mean(axis=0)
    at = round(grey.shape[1] / pitch)
    return float(spectrum[at - 2 : at + 3].max())


def test_a_screen_grid_is_smoothed_away_and_a_sharp_print_left_alone():
    card = text_card(5)
    screen = on_screen(card)
    smoothed = restore(screen, screen=True)
    assert smoothed is not None and smoothed.shape == screen.shape
    assert grid_power(smoothed) < 0.25 * grid_power(screen)
    assert restore(card, screen=False) is None


def test_a_shaken_photo_off_a_screen_is_smoothed_and_deblurred():
    photo = on_screen(shaken(text_card(6), 20, 120))
    smoothed_only = cv2.GaussianBlur(photo, (0, 0), DESCREEN_SIGMA)
    restored = restore(photo, screen=True)
    assert restored is not None
    assert not np.array_equal(restored, smoothed_only)  # the shake was undone as well


def generated(template_id: str, defects: dict[str, float], seed: int) -> DecodedImage:
    rng = np.random.default_rng(seed)
    template = load_templates()[template_id]
    document = render(template, identity_for(template, rng), rng)
    shot = capture(document.pixels, defects, rng) if defects else flat_capture(document.pixels)
    return DecodedImage(jpeg(shot.pixels, 90), "jpeg", 1)


@pytest.fixture(scope="module")
def shaken_passport() -> DecodedImage:
    return generated("gb_passport_td3", {"motion_blur": 0.8}, 7)


def test_a_shaken_passport_is_read_once_restored(shaken_passport, monkeypatch):
    restored = read(shaken_passport, "GB", Options(image_quality=True))
    assert restored.status.doc_type == OK and restored.status.mrz == OK
    assert restored.document_name.startswith("United Kingdom")
    assert "restore" in restored.timings
    # the quality check judges the photo as it came, not the restored one
    assert restored.quality is not None and restored.quality[FOCUS] == ERROR
    monkeypatch.setattr(reader, "restore", lambda *args: None)
    unrestored = read(shaken_passport, "GB")
    assert unrestored.status.mrz != OK  # the test would fail without the stage


def test_a_successful_reading_is_not_looked_at_again(monkeypatch):
    def refuse(*args) -> None:
        raise AssertionError("a successful reading was restored")

    monkeypatch.setattr(reader, "restore", refuse)
    passport = generated("gb_passport_td3", {}, 8)
    reading = read(passport, "GB")
    assert reading.result == "success" and "restore" not in reading.timings
    # expired, but read well: no second look either
    expired = read(passport, "GB", settings=Settings(today="2045-01-01"))
    assert expired.result == "error" and expired.status.expiry == ERROR
    assert "restore" not in expired.timings


def test_the_restored_reading_is_kept_only_when_better(shaken_passport, monkeypatch):
    readings = []
    real = reader.read_frame

    def blank_second(frame, country, today, lap):
        reading, page = real(frame, country, today, lap)
        if readings:  # the restored photo reads nothing
            reading.fields, reading.status.doc_type, reading.status.mrz = [], ERROR, ERROR
        readings.append(reading)
        return reading, page

    monkeypatch.setattr(reader, "read_frame", blank_second)
    kept = read(shaken_passport, "GB")
    assert len(readings) == 2 and kept is readings[0]  # the first reading stood


def test_no_second_look_when_a_second_reading_would_not_fit(shaken_passport, monkeypatch):
    monkeypatch.setattr(reader, "OPTIONS_RESERVE_S", 59.5)  # half a second left for it
    reading = read(shaken_passport, "GB", deadline=Deadline.after(60.0))
    assert "restore" not in reading.timings and reading.status.doc_type != OK


def test_a_second_look_that_overruns_leaves_the_first_reading(shaken_passport, monkeypatch):
    real = reader.read_frame

    def slow_second(frame, country, today, lap):
        if "restore" in lap.seconds:  # the second reading
            lap.deadline = Deadline(time.monotonic() - 1)
            with lap("mrz"):
                pass  # its first stage ends past the deadline
        return real(frame, country, today, lap)

    monkeypatch.setattr(reader, "read_frame", slow_second)
    reading = read(shaken_passport, "GB")
    assert "restore" in reading.timings and reading.status.doc_type != OK
