"""Barcode stage: PDF417 and QR symbols found and decoded on synthetic document photos."""

from __future__ import annotations

import math
import time

import cv2
import numpy as np
import pytest
import zxingcpp

from idreader.barcode.decode import Symbol, find_barcodes
from idreader.pipeline.types import Deadline, ProcessingTimeout
from idreader.synth.capture import Capture, capture, flat_capture
from idreader.synth.generate import choose_templates, identity_for
from idreader.synth.render import RenderedDocument, render

SEEDS = (1, 2)  # two licence backs: every case must read on both


def _render(kind: str, seed: int) -> RenderedDocument:
    rng = np.random.default_rng(seed)
    templates = choose_templates((kind,))
    template = templates[seed % len(templates)]
    return render(template, identity_for(template, rng), rng)


def _flat_text(pixels: np.ndarray, fmt: zxingcpp.BarcodeFormat) -> str:
    """What zxing itself reads on the clean flat render: the expected text."""
    found = zxingcpp.read_barcodes(pixels, formats=fmt, text_mode=zxingcpp.TextMode.Plain)
    assert len(found) == 1 and found[0].valid
    return found[0].text


@pytest.fixture(scope="module")
def licence_backs() -> list[tuple[RenderedDocument, str]]:
    out = []
    for seed in SEEDS:
        document = _render("dl_back_pdf417", seed)
        out.append((document, _flat_text(document.pixels, zxingcpp.BarcodeFormat.PDF417)))
    return out


def _shoot(document: RenderedDocument, defects: dict[str, float], seed: int) -> Capture:
    if not defects:
        return flat_capture(document.pixels)
    return capture(document.pixels, defects, np.random.default_rng(seed))


def _pdf417(symbols: list[Symbol]) -> Symbol:
    matches = [s for s in symbols if s.format == "pdf417"]
    assert len(matches) == 1, f"no PDF417 decoded: {symbols}"
    return matches[0]


def _box_in_photo(document: RenderedDocument, shot: Capture, name: str) -> np.ndarray:
    """Where the corners of a box of the flat document land in the photo."""
    h, w = document.pixels.shape[:2]
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    homography = cv2.getPerspectiveTransform(frame, shot.corners.astype(np.float32))
    x0, y0, x1, y1 = document.boxes[name]
    box = np.array([[[x0, y0]], [[x1, y0]], [[x1, y1]], [[x0, y1]]], np.float32)
    return cv2.perspectiveTransform(box, homography).reshape(4, 2)


def _assert_reads(document, expected: str, defects: dict[str, float], seed: int) -> Symbol:
    shot = _shoot(document, defects, seed)
    symbol = _pdf417(find_barcodes(shot.pixels))
    assert symbol.text == expected
    assert symbol.raw == expected.encode("latin-1")
    assert symbol.corners.shape == (4, 2) and symbol.corners.dtype == np.float32
    # the corners are in the photo's pixels, on the barcode the generator drew
    drawn = _box_in_photo(document, shot, "Bar Code")
    tolerance = 0.01 * float(np.linalg.norm(shot.corners[1] - shot.corners[0]))
    for corner in symbol.corners:
        inside = cv2.pointPolygonTest(drawn.reshape(-1, 1, 2), tuple(map(float, corner)), True)
        assert inside > -tolerance
    assert cv2.contourArea(symbol.corners) > 0.7 * cv2.contourArea(drawn)
    return symbol


def test_flat_scan(licence_backs) -> None:
    for document, expected in licence_backs:
        symbol = _assert_reads(document, expected, {}, 0)
        tl, tr, _, bl = symbol.corners
        assert tr[0] > tl[0] and bl[1] > tl[1]  # upright


@pytest.mark.parametrize("degrees", [2, 5, 10, 25])
def test_rotated_photo(licence_backs, degrees: int) -> None:
    """zxing's PDF417 reader alone gives up beyond about 3 degrees: the stage levels it."""
    for i, (document, expected) in enumerate(licence_backs):
        _assert_reads(document, expected, {"rotation": degrees / 180}, seed=10 + i)


def test_upside_down(licence_backs) -> None:
    for i, (document, expected) in enumerate(licence_backs):
        symbol = _assert_reads(document, expected, {"rotation": 1.0}, seed=20 + i)
        tl, tr, _, _ = symbol.corners
        assert tr[0] < tl[0]  # the symbol's own top left is on the photo's right


def test_slightly_skewed_rectification(licence_backs) -> None:
    """The locate stage's rectified page a few degrees off, no background around it."""
    for document, expected in licence_backs:
        h, w = document.pixels.shape[:2]
        for degrees in (-4.0, 7.0):
            turn = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
            pixels = cv2.warpAffine(document.pixels, turn, (w, h), borderValue=(240, 240, 240))
            assert _pdf417(find_barcodes(pixels)).text == expected


def test_moderate_blur_and_jpeg(licence_backs) -> None:
    for i, (document, expected) in enumerate(licence_backs):
        _assert_reads(document, expected, {"defocus": 0.3, "jpeg": 0.5}, seed=30 + i)


def test_perspective_capture(licence_backs) -> None:
    for i, (document, expected) in enumerate(licence_backs):
        defects = {"background": 0.5, "perspective": 0.6, "rotation": 0.05}
        _assert_reads(document, expected, defects, seed=40 + i)


def test_strong_perspective_warp(licence_backs) -> None:
    """A hand-made keystone: the far edge 30 % shorter, then turned by 8 degrees."""
    for document, expected in licence_backs:
        h, w = document.pixels.shape[:2]
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        dst = np.array([[0.15 * w, 0], [0.85 * w, 0], [w, h], [0, h]], np.float32) + 60
        a = math.radians(8)
        turn = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
        dst = (dst - dst.mean(axis=0)) @ turn.T + (w / 2 + 120, h / 2 + 120)
        matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
        photo = cv2.warpPerspective(
            document.pixels, matrix, (w + 240, h + 240), borderValue=(90, 110, 70)
        )
        assert _pdf417(find_barcodes(photo)).text == expected


def test_small_symbol_is_enlarged(licence_backs) -> None:
    """A card 450 px wide turned by 10 degrees: modules under 2 px wide."""
    for i, (document, expected) in enumerate(licence_backs):
        small = cv2.resize(document.pixels, (450, 284), interpolation=cv2.INTER_AREA)
        shot = capture(small, {"rotation": 10 / 180}, np.random.default_rng(50 + i))
        assert _pdf417(find_barcodes(shot.pixels)).text == expected


def _card_with_qr(text: str) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    document = _render("national_id", 3)
    pixels = document.pixels.copy()
    h, w = pixels.shape[:2]
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    symbol = np.asarray(code.to_image(scale=1, add_quiet_zones=True))
    side = round(0.3 * h)
    symbol = cv2.resize(symbol, (side, side), interpolation=cv2.INTER_NEAREST)
    x0, y0 = w - side - round(0.04 * w), h - side - round(0.05 * h)
    pixels[y0 : y0 + side, x0 : x0 + side] = symbol[..., None]
    return pixels, (x0, y0, x0 + side, y0 + side)


@pytest.mark.parametrize(
    "defects", [{}, {"rotation": 30 / 180, "background": 0.5}, {"perspective": 0.5}]
)
def test_qr_on_a_card(defects: dict[str, float]) -> None:
    text = '{"DateIssued":"2023/01/15","Issuer":"PSA","subject":{"lName":"DELA CRUZ"}}'
    pixels, box = _card_with_qr(text)
    shot = capture(pixels, defects, np.random.default_rng(7)) if defects else flat_capture(pixels)
    symbols = find_barcodes(shot.pixels)
    assert [(s.format, s.text) for s in symbols] == [("qr", text)]
    if not defects:
        x0, y0, x1, y1 = box
        centre = symbols[0].corners.mean(axis=0)
        assert x0 < centre[0] < x1 and y0 < centre[1] < y1


@pytest.mark.parametrize(
    ("width", "defects"),
    [(300, {}), (350, {"rotation": 0.1}), (500, {"defocus": 0.3})],
    ids=["tiny", "tiny-turned", "blurred"],
)
def test_hard_qr_is_enlarged_or_sharpened(width: int, defects: dict[str, float]) -> None:
    """Modules of about 1 px, or blurred over about one: zxing alone reads none of these."""
    text = '{"DateIssued":"2023/01/15","Issuer":"PSA","subject":{"lName":"DELA CRUZ"}}'
    pixels, _ = _card_with_qr(text)
    small = cv2.resize(pixels, (width, round(width * 0.631)), interpolation=cv2.INTER_AREA)
    for seed in range(3):
        rng = np.random.default_rng(seed)
        shot = capture(small, defects, rng) if defects else flat_capture(small)
        assert [s.text for s in find_barcodes(shot.pixels, formats=("qr",))] == [text]


def test_formats_are_a_filter(licence_backs) -> None:
    document, expected = licence_backs[0]
    assert find_barcodes(document.pixels, formats=("qr",)) == []
    assert [s.text for s in find_barcodes(document.pixels, formats=("pdf417",))] == [expected]
    assert find_barcodes(document.pixels, formats=()) == []
    with pytest.raises(ValueError):
        find_barcodes(document.pixels, formats=("aztec",))


def test_grey_input(licence_backs) -> None:
    document, expected = licence_backs[0]
    grey = cv2.cvtColor(document.pixels, cv2.COLOR_BGR2GRAY)
    assert _pdf417(find_barcodes(grey)).text == expected


def test_nothing_to_find() -> None:
    assert find_barcodes(np.full((631, 1000, 3), 255, np.uint8)) == []
    ramp = np.tile(np.linspace(0, 255, 1000, dtype=np.uint8), (631, 1))
    assert find_barcodes(ramp) == []
    assert find_barcodes(np.zeros((0, 0, 3), np.uint8)) == []
    assert find_barcodes(np.zeros((4, 4), np.uint8)) == []


def test_document_without_barcode() -> None:
    document = _render("passport_td3", 4)
    assert find_barcodes(document.pixels) == []


def test_deadline_already_passed_raises(licence_backs) -> None:
    """Chosen behaviour: like the pipeline's stages, a passed deadline raises
    ProcessingTimeout, checked before the first zxing call already."""
    document, _ = licence_backs[0]
    with pytest.raises(ProcessingTimeout):
        find_barcodes(document.pixels, deadline=Deadline(time.monotonic() - 1.0))


def test_a_far_deadline_changes_nothing(licence_backs) -> None:
    document, expected = licence_backs[0]
    found = find_barcodes(document.pixels, deadline=Deadline.after(60.0))
    assert [s.text for s in found] == [expected]
