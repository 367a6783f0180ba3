"""Orient and visual-zone stages on rendered documents (with and without an MRZ)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from idreader.mrz.read import read_mrz
from idreader.ocr.detect import TextBox, detect_text
from idreader.ocr.models import TINY_DETECTOR
from idreader.pipeline import orient, read
from idreader.pipeline.locate import locate_document
from idreader.pipeline.orient import turn, turn_boxes, turns_from_mrz, turns_from_text
from idreader.pipeline.types import ERROR, OK, Document
from idreader.pipeline.visual import BATCH, MAX_PADDING, batches, read_text
from idreader.synth.generate import Plan, make_sample

TURNS = {0: None, 1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}


def rendered(tmp_path, kind: str, seed: int = 5) -> tuple[np.ndarray, dict]:
    row = make_sample(Plan(n=1, seed=seed, kinds=(kind,), defects=()), 0, tmp_path)
    return cv2.imread(str(tmp_path / row["image"])), row


def whole(pixels: np.ndarray) -> Document:
    h, w = pixels.shape[:2]
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return Document(frame, pixels, edges_found=False)


def undo(turned: int) -> int:
    """Clockwise quarter turns that undo ``turned`` clockwise quarter turns."""
    return (4 - turned) % 4


@pytest.mark.parametrize("turned", [0, 1, 2, 3])
def test_mrz_direction_turns_the_document_upright(tmp_path, turned):
    flat, _ = rendered(tmp_path, "passport_td3")
    img = flat if TURNS[turned] is None else cv2.rotate(flat, TURNS[turned])
    doc = whole(img)
    mrz = read_mrz(img)
    assert mrz is not None
    turns = turns_from_mrz(doc, mrz)
    assert turns == undo(turned)
    upright = turn(doc, turns)
    assert upright.pixels.shape == flat.shape
    assert np.abs(upright.pixels.astype(int) - flat.astype(int)).mean() < 1


@pytest.mark.parametrize("turned", [0, 1, 2, 3])
def test_text_direction_turns_a_document_without_mrz_upright(tmp_path, turned):
    flat, _ = rendered(tmp_path, "national_id")
    img = flat if TURNS[turned] is None else cv2.rotate(flat, TURNS[turned])
    assert turns_from_text(img) == undo(turned)


@pytest.mark.parametrize(("turned", "readings"), [(0, 1), (2, 2)])
def test_text_read_fluently_the_first_way_up_is_not_read_upside_down(
    tmp_path, monkeypatch, turned, readings
):
    flat, _ = rendered(tmp_path, "national_id")
    img = flat if TURNS[turned] is None else cv2.rotate(flat, TURNS[turned])
    flips, read_probes = [], orient.read_probes

    def counted(pixels, boxes, flip):
        flips.append(flip)
        return read_probes(pixels, boxes, flip)

    monkeypatch.setattr(orient, "read_probes", counted)
    assert turns_from_text(img) == undo(turned)
    assert flips == [False, True][:readings]


def test_long_lines_across_the_text_do_not_decide_the_direction(tmp_path):
    flat, _ = rendered(tmp_path, "national_id")
    h, w = flat.shape[:2]
    boxes = detect_text(flat, 640, TINY_DETECTOR)
    clutter = [TextBox(((x, h / 2), (h * 0.9, 12.0), 90.0), 0.9) for x in (5.0, w - 5.0)]
    assert max(b.length for b in clutter) > max(b.length for b in boxes)
    assert turns_from_text(flat, boxes + clutter) == 0


def test_boxes_turn_with_the_page():
    page = np.zeros((60, 100), np.uint8)
    cv2.rectangle(page, (10, 5), (40, 15), 255, -1)
    box = TextBox(((25.0, 10.0), (30.0, 10.0), 0.0), 1.0)
    for turns in (1, 2, 3):
        turned = cv2.rotate(page, TURNS[turns])
        ys, xs = np.nonzero(turned)
        moved = turn_boxes([box], turns, page.shape)[0]
        assert np.allclose(moved.corners.min(axis=0), (xs.min(), ys.min()), atol=1)
        assert np.allclose(moved.corners.max(axis=0), (xs.max() + 1, ys.max() + 1), atol=1)


def test_turn_keeps_the_first_corner_at_the_upright_top_left():
    pixels = np.zeros((100, 200, 3), np.uint8)
    corners = np.array([[10, 10], [210, 10], [210, 110], [10, 110]], np.float32)
    turned = turn(Document(corners, pixels, True), 1)
    assert turned.pixels.shape[:2] == (200, 100)
    assert turned.corners[0].tolist() == [10, 110]  # the old bottom-left is now top-left


def test_visual_zone_reads_printed_labels_and_values(tmp_path):
    img, row = rendered(tmp_path, "passport_td3")
    doc = locate_document(img)
    items = read_text(doc.pixels)
    joined = " ".join(item.text for item in items).upper()
    surname = row["fields"]["Surname"]["original_value"].upper()
    number = row["fields"]["Document Number"]["original_value"]
    assert surname in joined and number in joined
    assert all(0 <= v <= 1.001 for it in items for v in it.box)
    tops = [round(it.box[1], 2) for it in items]
    assert tops == sorted(tops)  # top to bottom


def test_a_passport_whose_mrz_cannot_be_read_is_named_but_its_mrz_fails(tmp_path):
    flat, row = rendered(tmp_path, "passport_td3")
    whole_read = read(cv2.imencode(".png", flat)[1].tobytes(), row["country"])
    assert whole_read.status.mrz == OK and whole_read.document_name == row["document_name"]
    flat[int(flat.shape[0] * 0.78) :] = 245  # the MRZ band painted over
    masked = read(cv2.imencode(".png", flat)[1].tobytes(), row["country"])
    assert masked.document_name == row["document_name"]
    assert masked.status.mrz == ERROR and masked.result == "error"
    surname = [f for f in masked.fields if f.name == "Surname"]
    assert surname and surname[0].source == "visual"


def test_strips_are_batched_by_width_with_little_padding():
    widths = [331, 100, 900, 105, 329, 109, 111, 300, 320] + [200] * 10
    strips = [np.zeros((48, w, 3), np.uint8) for w in widths]
    chunks = batches(sorted(range(len(widths)), key=lambda i: widths[i]), strips)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(widths)))
    for chunk in chunks:
        sizes = [widths[i] for i in chunk]
        assert len(chunk) <= BATCH and max(sizes) <= min(sizes) * (1 + MAX_PADDING)
    sizes = [[widths[i] for i in chunk] for chunk in chunks]
    assert sizes == [[100, 105, 109], [111], [200] * 8, [200] * 2, [300, 320, 329], [331], [900]]
