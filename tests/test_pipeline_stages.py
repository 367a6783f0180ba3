"""Stage tests for the first pipeline: locate, quality, forgery, graphics, decide, assemble."""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np

from conftest import card_photo
from idreader.api.assemble import card_info, success_answer
from idreader.api.contract import to_wire
from idreader.config import QualityThresholds
from idreader.pipeline import Options, read
from idreader.pipeline.copies import CopyScores, measure_copies
from idreader.pipeline.decide import decide
from idreader.pipeline.forgery import detect_forgery
from idreader.pipeline.locate import locate_document
from idreader.pipeline.quality import (
    BOUNDS,
    COLORNESS,
    FOCUS,
    GLARES,
    PERSPECTIVE,
    RESOLUTION,
    SCREEN_CAPTURE,
    check_quality,
    sharpness,
)
from idreader.pipeline.types import ERROR, NOT_DONE, OK, Document, FieldReading

TODAY = dt.date(2026, 11, 25)
LIMITS = QualityThresholds()


def copies_of(frame: np.ndarray, doc: Document | None = None) -> CopyScores:
    doc = doc or locate_document(frame)
    return measure_copies(frame, doc.corners, doc.pixels, LIMITS)


def quality_of(frame: np.ndarray, doc: Document | None = None) -> dict[int, int]:
    doc = doc or locate_document(frame)
    return check_quality(doc, frame.shape, copies_of(frame, doc), LIMITS)


def test_locate_finds_card_corners():
    img = card_photo(900, 600)
    doc = locate_document(img)
    assert doc.edges_found
    expected = np.array([[150, 120], [750, 120], [750, 480], [150, 480]], np.float32)
    assert np.abs(doc.corners - expected).max() < 8
    assert doc.pixels.shape[1] == 1000


def test_locate_under_perspective():
    img = card_photo(900, 600)
    src = np.float32([[0, 0], [899, 0], [899, 599], [0, 599]])
    dst = np.float32([[60, 30], [860, 0], [899, 599], [0, 560]])
    warped = cv2.warpPerspective(
        img, cv2.getPerspectiveTransform(src, dst), (900, 600), borderValue=(40, 120, 40)
    )
    doc = locate_document(warped)
    assert doc.edges_found
    quality = quality_of(warped, doc)
    assert quality[PERSPECTIVE] == ERROR


def test_tight_scan_uses_whole_frame():
    img = np.full((400, 600, 3), (200, 210, 220), np.uint8)
    cv2.putText(img, "NO EDGES HERE", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (20, 20, 20), 3)
    doc = locate_document(img)
    assert not doc.edges_found and doc.pixels.shape == img.shape
    quality = quality_of(img, doc)
    assert quality[PERSPECTIVE] == NOT_DONE and quality[BOUNDS] == NOT_DONE


def test_clean_colour_card_passes_quality_and_forgery():
    img = card_photo(1800, 1200)
    quality = quality_of(img)
    assert quality[COLORNESS] == OK and quality[FOCUS] == OK and quality[GLARES] == OK
    assert quality[RESOLUTION] == OK and quality[BOUNDS] == OK and quality[PERSPECTIVE] == OK
    assert quality[SCREEN_CAPTURE] == OK
    assert detect_forgery(copies_of(img)) == []


def test_greyscale_copy_is_flagged():
    img = cv2.cvtColor(cv2.cvtColor(card_photo(1800, 1200), cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert quality_of(img)[COLORNESS] == ERROR
    assert detect_forgery(copies_of(img)) == ["black_white_print"]


def test_blur_glare_and_low_resolution_are_flagged():
    img = card_photo(1800, 1200)
    blurred = cv2.GaussianBlur(img, (0, 0), 12)  # this sparse card reads until about 8
    assert quality_of(blurred)[FOCUS] == ERROR
    glare = img.astype(np.float32)  # a highlight: a blown-out core in a soft halo
    yy, xx = np.mgrid[: glare.shape[0], : glare.shape[1]]
    rho = np.hypot(xx - 900, yy - 600) / 150
    alpha = np.where(rho <= 1, 1.0, np.exp(-(((rho - 1) / 0.7) ** 2)))[..., None]
    glare = (glare + (255 - glare) * alpha).astype(np.uint8)
    assert quality_of(glare)[GLARES] == ERROR
    small = card_photo(300, 200)
    assert quality_of(small)[RESOLUTION] == ERROR


def test_a_white_patch_without_a_halo_is_paper_not_glare():
    img = card_photo(1800, 1200)
    cv2.rectangle(img, (700, 500), (1000, 700), (255, 255, 255), -1)
    assert quality_of(img)[GLARES] == OK


def test_focus_does_not_depend_on_the_image_size():
    big = card_photo(1800, 1200)
    small = cv2.resize(big, (900, 600), interpolation=cv2.INTER_AREA)
    assert abs(sharpness(big) / sharpness(small) - 1) < 0.3


def test_card_cut_by_frame_fails_bounds():
    img = np.ascontiguousarray(card_photo(900, 600)[:, 200:])  # card's left edge cut off
    doc = locate_document(img)
    assert doc.edges_found
    assert quality_of(img, doc)[BOUNDS] == ERROR


def field(name, value, validity=OK, source="visual"):
    return FieldReading(
        name=name, original_value=value, value=value, validity=validity, source=source
    )


def test_decide_rules():
    expired = [field("Date of Expiry", "2020-01-01")]
    valid = [field("Date of Expiry", "2030-01-01")]
    assert decide([], named=False, mrz=NOT_DONE, document_seen=False, today=TODAY)[0] == (
        "not performed"
    )
    result, status = decide(valid, named=True, mrz=OK, document_seen=True, today=TODAY)
    assert result == "success" and (status.expiry, status.text) == (OK, OK)
    result, status = decide(expired, named=True, mrz=OK, document_seen=True, today=TODAY)
    assert result == "error" and status.expiry == ERROR
    assert decide(valid, named=True, mrz=ERROR, document_seen=True, today=TODAY)[0] == "error"
    assert decide(valid, named=False, mrz=OK, document_seen=True, today=TODAY)[0] == "error"
    bad = [*valid, field("Document Number", "X", validity=ERROR)]
    assert decide(bad, named=True, mrz=NOT_DONE, document_seen=True, today=TODAY)[1].text == ERROR


def test_card_info_groups_sources_most_trusted_first():
    info = card_info(
        [
            field("Surname", "DÖE", validity=ERROR, source="visual"),
            field("Date of Birth", "1980-01-01", source="visual"),
            field("Surname", "DOE", source="mrz"),
            field("Surname", "D0E", validity=ERROR, source="barcode"),
        ]
    )
    names = [f.field_name for f in info.field_list]
    assert names == ["Surname", "Date of Birth"]
    surname = info.field_list[0]
    assert [v.value for v in surname.value_list] == ["DOE", "D0E", "DÖE"]
    assert surname.validity_status == ERROR
    # a printed name the MRZ confirms comes first: it keeps the accents the MRZ cannot hold
    info = card_info([field("Surname", "DOE", source="mrz"), field("Surname", "DÖE")])
    assert [v.value for v in info.field_list[0].value_list] == ["DÖE", "DOE"]
    info = card_info([field("Surname", "DOE", source="mrz"), field("Surname", "DÖF", ERROR)])
    assert [v.value for v in info.field_list[0].value_list] == ["DOE", "DÖF"]


def test_read_is_the_shared_entry_point():
    _, buf = cv2.imencode(".jpg", card_photo())
    reading = read(
        buf.tobytes(), "MX", Options(images=True, image_quality=True, document_forgery=True)
    )
    wire = to_wire(success_answer(reading, "0" * 32))
    assert wire["image_info"]["field_list"][0]["field_name"] == "Document Front"
    assert len(wire["image_quality_info"]["list"]) == 8
    assert wire["document_forgery_info"] == {"result": "pass"}


def test_restricted_decoding_counts_lookalikes_for_the_allowed_character():
    """A general recogniser may call an MRZ '<' '^' or 'Λ'; with the MRZ alphabet that
    probability belongs to '<' and is not renormalised away onto letters."""
    from idreader.ocr import models
    from idreader.ocr.recognise import _merge, lookalikes

    columns, starts, keys = _merge(models.RECOGNISER, "AB<")
    index = {k: i for i, k in enumerate(models.alphabet(models.RECOGNISER)) if i}
    filler = keys.index("<")
    end = starts[filler + 1] if filler + 1 < len(starts) else len(columns)
    merged = set(columns[starts[filler] : end].tolist())
    expected = {index[c] for c in ("<", *lookalikes()["<"]) if c in index}
    assert merged == expected and len(expected) > 1
    assert columns[starts[1]] == index["A"]


def test_ctc_decoding_merges_repeats_keeps_blank_separated_letters_and_ranks_rivals():
    """Frames A A - A B (blank '-') read "AAB": a repeat is one glyph, a blank between two
    makes two; each glyph's rivals are its peak frame's next best, only when asked."""
    from idreader.ocr.recognise import decode

    keys = ["", "A", "B", "C"]
    frames = np.array(
        [
            [0.1, 0.6, 0.1, 0.2],
            [0.0, 0.9, 0.0, 0.1],  # the first A's peak
            [0.8, 0.1, 0.1, 0.0],
            [0.1, 0.5, 0.3, 0.1],
            [0.2, 0.1, 0.7, 0.0],
        ]
    )
    line = decode(frames, keys, alternatives=1)
    assert line.text == "AAB"
    assert [g.prob for g in line.glyphs] == [0.9, 0.5, 0.7]
    assert [g.alternatives for g in line.glyphs] == [(("C", 0.1),), (("B", 0.3),), (("A", 0.1),)]
    assert [g.x for g in line.glyphs] == [0.2, 0.7, 0.9]  # run centres along the strip
    assert all(g.alternatives == () for g in decode(frames, keys, alternatives=0).glyphs)


def test_an_mrz_misread_in_a_steep_photo_is_read_again_on_the_rectified_page(tmp_path):
    from idreader.mrz.parse import parse
    from idreader.mrz.read import MrzResult
    from idreader.pipeline.locate import rectify
    from idreader.pipeline.orient import mrz_quad
    from idreader.pipeline.reader import read_on_page
    from idreader.synth.generate import Plan, make_sample

    row = make_sample(Plan(n=1, seed=4, kinds=("id_td1_back",), defects=()), 0, tmp_path)
    flat = cv2.imread(str(tmp_path / row["image"]))
    h, w = flat.shape[:2]
    # the right edge twice as tall as the left: a photo taken steeply from the right
    quad = np.float32([[150, 420], [1150, 120], [1150, 1180], [150, 880]])
    source = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    matrix = cv2.getPerspectiveTransform(source, quad)
    photo = cv2.warpPerspective(flat, matrix, (1300, 1300), borderValue=(40, 40, 40))
    document = Document(corners=quad, pixels=rectify(photo, quad), edges_found=True)
    broken = [row["mrz"][0][:-1] + ("1" if row["mrz"][0][-1] != "1" else "2"), *row["mrz"][1:]]
    parsed = parse(broken)
    assert parsed is not None and not parsed.valid
    misread = MrzResult(parsed.format, broken, parsed, quad, np.array([1.0, 0.0]), 0.5)
    found = read_on_page(document, misread)
    assert found is not None and found.valid and found.lines == row["mrz"]
    # its corners are the photo's: inside the document's quadrilateral, reading rightwards,
    # and back on the page they frame the card's lowest part
    contour = quad.reshape(-1, 1, 2)
    inside = [cv2.pointPolygonTest(contour, (float(x), float(y)), True) for x, y in found.corners]
    assert min(inside) > -3 and found.direction[0] > 0.9
    on_page = mrz_quad(document, found)
    assert on_page[:, 1].min() > 0.5 * document.pixels.shape[0]
    # a valid reading, or a photo whose edges were not found, is left as it is
    assert read_on_page(document, found) is found
    whole = Document(corners=quad, pixels=photo, edges_found=False)
    assert read_on_page(whole, misread) is misread
