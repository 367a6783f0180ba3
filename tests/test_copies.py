"""Copy detectors: a rendered colour card and its screen, grey-copy and colour-print captures
are told apart; a colour original in dim, tinted light and a real colour specimen are not
flagged."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from idreader.config import QualityThresholds
from idreader.pipeline import copies
from idreader.pipeline.copies import CopyScores, measure_copies
from idreader.pipeline.locate import locate_document
from idreader.synth.capture import ALL_DEFECTS, DEFECTS, capture, flat_capture
from idreader.synth.generate import identity_for, random_defects
from idreader.synth.render import render
from idreader.synth.templates import load_templates

LIMITS = QualityThresholds()


def black_white(document: np.ndarray) -> bool:
    spread, tint = copies.colour_measures(document)
    return CopyScores(0.0, 0.0, spread, tint).black_white


REAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "real-dev"


@pytest.fixture(scope="module")
def card() -> np.ndarray:
    """A rendered Spanish ID front: photo, coloured header, guilloche, black and coloured type."""
    template = load_templates()["es_dni_front"]
    rng = np.random.default_rng(5)
    person = identity_for(template, rng)
    return render(template, person, rng).pixels


def scores_of(pixels: np.ndarray) -> CopyScores:
    document = locate_document(pixels)
    return measure_copies(pixels, document.corners, document.pixels)


def shoot(card: np.ndarray, defects: dict[str, float], seed: int = 3) -> CopyScores:
    shot = capture(card, {"background": 0.5, **defects}, np.random.default_rng(seed))
    return scores_of(shot.pixels)


@pytest.fixture(scope="module")
def clean(card) -> CopyScores:
    return shoot(card, {})


def test_clean_colour_card_raises_no_flag(card, clean):
    flat = scores_of(flat_capture(card).pixels)
    for scores in (clean, flat):
        assert not scores.screen_capture
        assert not scores.printed_copy
        assert not scores.black_white


@pytest.mark.parametrize("strength", [0.35, 0.9])
def test_screen_recapture_is_a_screen_capture(card, clean, strength):
    scores = shoot(card, {"screen_recapture": strength})
    assert scores.screen_capture
    assert scores.screen > clean.screen + 1.0
    assert not scores.black_white  # a colour card on a screen is still in colour


@pytest.mark.parametrize("strength", [0.35, 0.9])
def test_photocopy_is_black_and_white_only(card, clean, strength):
    scores = shoot(card, {"photocopy_bw": strength})
    assert scores.black_white
    assert scores.spread < clean.spread
    assert not scores.screen_capture


def test_noisy_photocopy_is_still_black_and_white(card):
    assert shoot(card, {"photocopy_bw": 0.6, "noise": 0.8}).black_white


@pytest.mark.parametrize("strength", [0.5, 1.0])
def test_colour_print_is_a_copy_with_a_dot_lattice(card, clean, strength):
    scores = shoot(card, {"printed_copy": strength})
    assert scores.halftone >= LIMITS.halftone_min_score > clean.halftone + 1.0
    # its coloured dot lattices can pass for a screen's grid: either reason is a copy
    assert scores.printed_copy or scores.screen_capture
    assert not scores.black_white


def test_a_dot_lattice_without_a_screen_is_a_printed_copy():
    scores = CopyScores(
        screen=LIMITS.screen_min_score - 1, halftone=LIMITS.halftone_min_score, spread=0.3, tint=0
    )
    assert scores.printed_copy and not scores.screen_capture
    assert not replace(scores, screen=LIMITS.screen_min_score).printed_copy


def test_dim_tinted_light_keeps_a_colour_card_in_colour(card):
    scores = shoot(card, {"low_light": 1.0, "uneven_light": 0.8}, seed=8)
    assert not scores.black_white


def test_grey_print_under_neutral_light_is_grey_whatever_its_levels():
    grey = np.tile(np.linspace(30, 230, 400, dtype=np.float32), (250, 1))
    doc = cv2.cvtColor(grey.astype(np.uint8), cv2.COLOR_GRAY2BGR)
    assert black_white(doc)
    tinted = doc.copy()
    tinted[:120, :200] = (40, 60, 200)  # a red stamp
    assert not black_white(tinted)


def test_printed_copy_is_never_drawn_at_random():
    assert "printed_copy" in ALL_DEFECTS and "printed_copy" not in DEFECTS
    rng = np.random.default_rng(0)
    assert not any("printed_copy" in random_defects(rng) for _ in range(500))


def test_printed_copy_is_reproducible(card):
    small = cv2.resize(card, (400, 252), interpolation=cv2.INTER_AREA)
    first, again = (
        capture(small, {"printed_copy": 0.7}, np.random.default_rng(9)).pixels for _ in range(2)
    )
    np.testing.assert_array_equal(first, again)


def test_measures_handle_tiny_and_frame_sized_documents():
    tiny = np.full((40, 60, 3), 200, np.uint8)
    frame = np.float32([[0, 0], [59, 0], [59, 39], [0, 39]])
    scores = measure_copies(tiny, frame, tiny)
    assert scores.screen == 0.0 and scores.halftone == 0.0


def _real_colour_specimens() -> list[Path]:
    manifest = REAL_DEV / "manifest.jsonl"
    if not manifest.exists():
        return []
    wanted = ("passporteye/tests/data/passport-td3.jpg", "image-js-mrz-detection/")
    paths = []
    for line in manifest.read_text().splitlines():
        path = json.loads(line)["path"]
        if path.startswith(wanted):
            paths.append(REAL_DEV / path)
    return paths


@pytest.mark.skipif(not _real_colour_specimens(), reason="../shared/data/real-dev is absent")
@pytest.mark.parametrize("path", _real_colour_specimens(), ids=lambda p: p.name)
def test_real_colour_specimens_raise_no_flag(path):
    scores = scores_of(cv2.imread(str(path), cv2.IMREAD_COLOR))
    assert not scores.screen_capture
    assert not scores.printed_copy
    assert not scores.black_white
