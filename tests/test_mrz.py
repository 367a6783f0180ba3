"""MRZ: parsing, correction rules, century rule, and reading rendered and real documents."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

import idreader.mrz.read as mrz_read
from conftest import SHARED
from idreader.countries import alpha3_to_alpha2, is_icao_code
from idreader.mrz.checkdigit import check_digit
from idreader.mrz.correct import Cell, correct, fit_length
from idreader.mrz.fields import mrz_date
from idreader.mrz.formats import get_format
from idreader.mrz.parse import names_of, parse
from idreader.mrz.read import plausible, read_mrz
from idreader.ocr.models import MRZ_RECOGNISER, RECOGNISER, TINY_DETECTOR, TINY_RECOGNISER
from idreader.pipeline.decode import decode_image
from idreader.synth.capture import capture
from idreader.synth.generate import Plan, make_sample

TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]


def cells(text: str, unsure: dict[int, tuple[float, tuple]] | None = None) -> list[Cell]:
    unsure = unsure or {}
    return [Cell(c, *unsure.get(i, (1.0, ()))) for i, c in enumerate(text)]


def test_check_digit_icao_examples():
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("ZE184226B<<<<<") == "1"


def test_parse_formats():
    p = parse(TD3)
    assert p.format == "TD3" and p.valid and names_of(p) == ("ERIKSSON", "ANNA MARIA")
    td1 = parse(
        [
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ]
    )
    assert td1.format == "TD1" and td1.valid
    frid = parse(["IDFRABERTHIER<<<<<<<<<<<<<<<<<923004", "8806923102858CORINNE<<<<<<<6507121F6"])
    assert frid.format == "FRID" and frid.checks["document_number"]


def test_td1_long_document_number():
    p = parse(
        [
            "I<UTOD23145890<7349<<<<<<<<<<<",
            "3407127M9507122UTO<<<<<<<<<<<2",
            "STEVENSON<<PETER<JOHN<<<<<<<<<",
        ]
    )
    assert p.fields["document_number"] == "D23145890734" and p.valid


def test_filler_as_optional_check_digit_is_accepted():
    line2 = TD3[1][:42] + "<" + TD3[1][43]
    p = parse([TD3[0], line2])
    assert "optional_data" not in p.checks and p.checks["document_number"]


def test_german_d_nationality():
    assert alpha3_to_alpha2("D") == "DE" and is_icao_code("D") and is_icao_code("UTO")
    assert not is_icao_code("QQQ")


def test_class_coercion_and_confirmed_repair():
    fmt = get_format("TD3")
    # letters in a date and digits in the name are forced into their class
    p = correct(
        fmt,
        [
            cells("P<UT0ERIKSS0N<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
            cells("L898902C36UTO74O8122F12O4159ZE184226B<<<<<10"),
        ],
    )
    assert p.lines == TD3 and p.valid
    # an unsure O in the document number, repaired because the check digit confirms it
    p = correct(fmt, [cells(TD3[0]), cells("L8989O2C36" + TD3[1][10:], {5: (0.6, ())})])
    assert p.lines == TD3 and p.valid


def test_no_invention_when_the_recogniser_was_sure():
    fmt = get_format("TD3")
    wrong = "L898912C36" + TD3[1][10:]  # a confident misreading: 0 -> 1
    p = correct(fmt, [cells(TD3[0]), cells(wrong)])
    assert not p.valid and p.lines[1] == wrong


def test_ambiguous_pass_is_not_confirmed():
    fmt = get_format("TD3")
    # both readings of position 2 pass? make the recogniser torn between 8 and B
    unsure = {2: (0.5, (("B", 0.5),))}
    p = correct(fmt, [cells(TD3[0]), cells(TD3[1], unsure)])
    alt = "L8B" + TD3[1][3:]
    alt_passes = check_digit(alt[:9]) == alt[9]
    assert p.checks["document_number"] is (not alt_passes)


def test_fit_length_fixes_filler_runs():
    assert "".join(c.char for c in fit_length(cells("AB<<<<<<C"), 7)) == "AB<<<<C"
    assert "".join(c.char for c in fit_length(cells("AB<<C"), 7)) == "AB<<<<C"


def test_fit_length_puts_a_skipped_character_where_the_spacing_shows_it():
    """'<<' read as '<' between surname and given name: the monospaced glyph centres show the
    gap, so the filler goes there and not at the end of the line."""
    text = "P<UTOERIKSSON<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"  # 43 characters, one '<' lost
    xs = [float(i) for i in range(14)] + [float(i) for i in range(15, 44)]
    row = [Cell(ch, 0.99, (), x) for ch, x in zip(text, xs, strict=True)]
    fitted = "".join(c.char for c in fit_length(row, 44))
    assert fitted == "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    evenly = [Cell(ch, 0.99, (), float(i)) for i, ch in enumerate(text)]  # no gap: extend run
    assert "".join(c.char for c in fit_length(evenly, 44)) == text + "<"


@pytest.mark.parametrize(
    ("text", "birth", "expected"),
    [
        ("740812", True, "1974-08-12"),
        ("200101", True, "2020-01-01"),
        ("301231", True, "1930-12-31"),
        ("350320", False, "2035-03-20"),
        ("950712", False, "1995-07-12"),
        ("991332", False, None),
    ],
)
def test_century_rule(text, birth, expected):
    day = mrz_date(text, dt.date(2026, 11, 25), birth=birth)
    assert (day.isoformat() if day else None) == expected


KINDS = ("passport_td3", "id_td1_back", "id_td2", "visa_mrva", "visa_mrvb", "id_frid")


@pytest.mark.parametrize("kind", KINDS)
def test_reads_rendered_documents_in_any_orientation(tmp_path, kind):
    import cv2

    row = make_sample(Plan(n=1, seed=21, kinds=(kind,), defects=()), 0, tmp_path)
    flat = cv2.imread(str(tmp_path / row["image"]))
    rng = np.random.default_rng(3)
    for turn in (None, cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE):
        img = flat if turn is None else cv2.rotate(flat, turn)
        result = read_mrz(img)
        assert result is not None and result.valid, (kind, turn)
        assert result.lines == row["mrz"], (kind, turn)
    tilted = capture(flat, {"background": 0.5, "rotation": 0.12, "perspective": 0.3}, rng)
    result = read_mrz(tilted.pixels)
    assert result is not None and result.lines == row["mrz"] and result.valid


def test_wrong_printed_check_digit_is_reported_invalid(tmp_path):
    import cv2

    plan = Plan(n=1, seed=5, kinds=("passport_td3", "id_td1_back"), defects=(), bad_check_share=1.0)
    for index in range(4):
        row = make_sample(plan, index, tmp_path)
        result = read_mrz(cv2.imread(str(tmp_path / row["image"])))
        assert result is not None and not result.valid


def test_a_state_code_is_repaired_only_by_one_alternative_that_is_a_real_code():
    fmt = get_format("TD3")
    line = "P<GBRTAYLOR<<EMILY" + "<" * 26
    misread = line.replace("GBR", "GBB")  # no such code
    # of the recogniser's alternatives for the last B, only R makes a real code
    torn = {4: (0.5, (("8", 0.4), ("R", 0.02)))}
    assert correct(fmt, [cells(misread, torn), cells(TD3[1])]).lines[0] == line
    # an alternative it hardly considered is not taken
    faint = {4: (0.5, (("R", 0.001),))}
    assert correct(fmt, [cells(misread, faint), cells(TD3[1])]).lines[0] == misread
    # nor is a letter the recogniser was certain of changed
    certain = {4: (0.97, (("R", 0.02),))}
    assert correct(fmt, [cells(misread, certain), cells(TD3[1])]).lines[0] == misread
    # two alternatives that both make real codes (Spain, Estonia): neither is chosen
    assert is_icao_code("ESP") and is_icao_code("EST") and not is_icao_code("ESX")
    spanish = line.replace("GBR", "ESP")
    both = {4: (0.5, (("P", 0.2), ("T", 0.2)))}
    p = correct(fmt, [cells(spanish.replace("ESP", "ESX"), both), cells(TD3[1])])
    assert p.fields["issuing_state"] == "ESX"


def test_a_format_only_one_state_issues_is_not_read_for_another():
    fmt = get_format("FRID")
    number, birth = "880692310285", "800101"
    line2 = f"{number}{check_digit(number)}JEAN<<<<<<<<<<{birth}{check_digit(birth)}M"
    for state, expected in (("FRA", True), ("ESP", False)):
        line1 = f"ID{state}DUPONT" + "<" * 19 + "123456"
        composite = check_digit(line1 + line2)
        parsed = correct(fmt, [cells(line1), cells(line2 + composite)])
        assert parsed is not None and parsed.checks["document_number"]
        assert plausible(parsed, fmt) is expected


def test_text_that_only_looks_like_mrz_is_rejected():
    import cv2

    img = np.full((400, 1200, 3), 235, np.uint8)
    for i, line in enumerate(
        ["ABCDEF<<<<GHIJKL<<<<<MNOPQR<<<<<<<<STUVWX<<", "0123456789<<<<9876543210<<<<<1234567890"]
    ):
        cv2.putText(img, line, (20, 150 + 60 * i), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    result = read_mrz(img)
    assert result is None or not result.valid


def real_dev_rows() -> list[dict]:
    manifest = SHARED / "data" / "real-dev" / "manifest.jsonl"
    if not manifest.exists():
        pytest.skip("../shared/data/real-dev is absent")
    return [r for r in map(json.loads, manifest.read_text().splitlines()) if r["mrz"]]


def test_real_dev_floors():
    """Regression floors below the measured figures (make bench has the real ones)."""
    rows = real_dev_rows()
    exact = false_valid = 0
    for row in rows:
        data = Path(SHARED / "data" / "real-dev" / row["path"]).read_bytes()
        result = read_mrz(decode_image(data, 50_000_000, 100_000_000).pixels)
        hit = result is not None and result.lines == row["mrz"]
        exact += hit
        false_valid += result is not None and result.valid and not hit
    assert false_valid == 0
    assert exact / len(rows) >= 0.93


def test_plain_text_is_dismissed_on_the_fast_recogniser_reading(monkeypatch):
    """Two stacked lines of plain text, an MRZ's shape but read fluently by the fast general
    recogniser as words: neither the finer recogniser nor the finer detector looks again,
    though the OCR-B recogniser reads their spaces as fillers."""
    img = np.full((400, 1300, 3), 235, np.uint8)
    for i, line in enumerate(
        ["FEDERAL REPUBLIC OF GERMANY  IDENTITY", "REPUBLIQUE FEDERALE D ALLEMAGNE  CARD"]
    ):
        cv2.putText(img, line, (20, 150 + 60 * i), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    models, detectors = [], []
    real_recognise, real_detect = mrz_read.recognise, mrz_read.detect_text

    def recognise(strips, alphabet=None, alternatives=3, model=RECOGNISER):
        models.append(model)
        return real_recognise(strips, alphabet, alternatives, model)

    def detect_text(bgr, side, model):
        detectors.append(model)
        return real_detect(bgr, side, model)

    monkeypatch.setattr(mrz_read, "recognise", recognise)
    monkeypatch.setattr(mrz_read, "detect_text", detect_text)
    assert read_mrz(img) is None
    assert TINY_RECOGNISER in models and MRZ_RECOGNISER in models
    assert RECOGNISER not in models and detectors == [TINY_DETECTOR]
