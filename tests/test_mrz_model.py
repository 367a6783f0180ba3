"""The shipped OCR-B MRZ line recogniser: its training strips and its runtime path."""

from __future__ import annotations

import cv2
import numpy as np

from idreader.ocr.models import MRZ_RECOGNISER, model_file
from idreader.ocr.recognise import recognise
from idreader.synth.mrz_lines import ALPHABET, STRIP_HEIGHT, mrz_text, render_strip


def test_training_strips_are_deterministic_and_well_formed():
    a = render_strip(np.random.default_rng(4), 12)
    b = render_strip(np.random.default_rng(4), 12)
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
    rng = np.random.default_rng(9)
    for length in (6, 16, 30):
        strip, text = render_strip(rng, length)
        assert strip.shape[0] == STRIP_HEIGHT and strip.dtype == np.uint8
        assert len(text) == length and set(text) <= set(ALPHABET)
    assert "<" in "".join(mrz_text(rng, 40) for _ in range(5))


def test_shipped_model_reads_generated_strips():
    assert model_file(MRZ_RECOGNISER.package, MRZ_RECOGNISER.path).is_file()
    rng = np.random.default_rng(12345)  # not a training seed
    samples = [render_strip(rng, int(rng.integers(8, 31))) for _ in range(40)]
    strips = [cv2.cvtColor(s, cv2.COLOR_GRAY2BGR) for s, _ in samples]
    lines = [recognise([s], ALPHABET, model=MRZ_RECOGNISER)[0] for s in strips]
    exact = sum(line.text == text for line, (_, text) in zip(lines, samples, strict=True))
    assert exact >= 0.8 * len(samples)
    assert all(0 <= g.x <= 1 for line in lines for g in line.glyphs)
