"""The shipped OCR-B MRZ line recogniser: its training strips and its runtime path."""

from __future__ import annotations

import cv2
import numpy as np

from idreader.mrz.checkdigit import check_digit
from idreader.mrz.compose import compose
from idreader.mrz.parse import parse
from idreader.mrz.read import MrzLine, MrzResult, read_surely
from idreader.ocr.models import MRZ_RECOGNISER, model_file
from idreader.ocr.recognise import Glyph, TextLine, recognise
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


def _result(lines: list[str], doubts: dict[tuple[int, int], tuple[str, float]]) -> MrzResult:
    """An MrzResult read as ``lines``, unsure where ``doubts`` names a rival and its share."""
    order = []
    for row, line in enumerate(lines):
        glyphs = []
        for pos, char in enumerate(line):
            rival, p = doubts.get((row, pos), ("<", 0.0))
            glyphs.append(Glyph(char, 1.0 - p, ((rival, p),)))
        box = np.zeros((4, 2), np.float32)
        order.append(MrzLine(None, box, TextLine(tuple(glyphs))))  # type: ignore[arg-type]
    parsed = parse(lines)
    assert parsed is not None and parsed.valid
    return MrzResult(parsed.format, lines, parsed, box, np.array([1.0, 0.0]), 1.0, order)


TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]


def test_a_doubt_the_check_digit_settles_needs_no_second_opinion():
    assert read_surely(_result(TD3, {}))
    assert read_surely(_result(TD3, {(1, 3): ("O", 0.3)}))  # '8' or 'O': only one passes


def test_doubts_that_can_cancel_out_or_no_check_covers_ask_for_a_second_opinion():
    values = {"document_code": "P", "issuing_state": "UTO", "surname": "ERIKSSON",
              "given_names": "ANNA", "document_number": "OO8902C3", "nationality": "UTO",
              "birth_date": "740812", "sex": "F", "expiry_date": "120415"}  # fmt: skip
    lines = compose("TD3", values)
    # 'OO' and '00' in weights 7 and 3 add the same modulo 10: both readings pass every check
    assert check_digit("OO8902C3") == check_digit("008902C3")
    assert not read_surely(_result(lines, {(1, 0): ("0", 0.3), (1, 1): ("0", 0.3)}))
    assert read_surely(_result(lines, {(1, 0): ("0", 0.3)}))
    assert not read_surely(_result(TD3, {(0, 5): ("F", 0.2)}))  # a name letter: nothing checks it
    assert read_surely(_result(TD3, {(0, 5): ("0", 0.2)}))  # a digit cannot stand in a name
