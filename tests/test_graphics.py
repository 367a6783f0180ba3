"""Graphic fields: the portrait (Haar cascade), ghost portrait and signature crops, the
Portrait image-quality check, and the JPEGs returned. Synthetic pages are rendered in
memory (nothing is written to disk); real specimens are read from ../shared when present."""

from __future__ import annotations

import json
from functools import cache
from unittest.mock import patch

import cv2
import numpy as np
import pytest

from conftest import SHARED
from idreader.catalogue import DocumentSpec, FieldSpec, catalogue
from idreader.pipeline.graphics import crop_graphics, signature_box
from idreader.pipeline.portrait import find_portraits
from idreader.pipeline.types import ERROR, NOT_DONE, OK, Document
from idreader.pipeline.visual import read_text
from idreader.synth import art
from idreader.synth.generate import identity_for
from idreader.synth.render import render
from idreader.synth.templates import Template, load_templates

TEMPLATES = load_templates()
WITH_PORTRAIT = [t for t in TEMPLATES.values() if t.portrait]
WITH_GHOST = [t for t in WITH_PORTRAIT if t.ghost_portrait]
WITHOUT_GHOST = [t for t in WITH_PORTRAIT if not t.ghost_portrait]
WITH_SIGNATURE = [t for t in TEMPLATES.values() if t.signature]
SIGNATURE_LABELLED = ["in_pan_card", "br_cnh_front", "de_id_td1_front", "fr_cni_1988"]
SEEDS = range(3)
REAL_DEV = SHARED / "data" / "real-dev"
NOT_TIGHT = {"rotated", "annotated", "phone_photo", "perspective", "hard", "synthetic"}
NOT_TIGHT |= {"multi_document", "edited"}

Box = tuple[float, float, float, float]


@cache
def page(template_id: str, seed: int) -> tuple[np.ndarray, dict[str, Box], bool]:
    """A rendered upright page, its truth boxes (relative) and whether its portrait is a
    drawn face rather than a photo."""
    t = TEMPLATES[template_id]
    rng = np.random.default_rng([seed, 2024])
    person = identity_for(t, rng)
    with patch.object(art, "drawn_face", wraps=art.drawn_face) as drawn:
        rendered = render(t, person, rng)
    h, w = rendered.pixels.shape[:2]
    boxes = {k: (b[0] / w, b[1] / h, b[2] / w, b[3] / h) for k, b in rendered.boxes.items()}
    return rendered.pixels, boxes, drawn.called


def first_photo(template_id: str) -> np.ndarray:
    """The first rendered page of the template whose portrait is a photo."""
    return next(p for p, _, drawn in (page(template_id, s) for s in range(8)) if not drawn)


def document(pixels: np.ndarray) -> Document:
    h, w = pixels.shape[:2]
    corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return Document(corners, pixels, edges_found=True)


def layout_spec(template: Template, **boxes: tuple[float, ...] | None) -> DocumentSpec:
    """A catalogue entry laid out like the template: graphic field name -> its box."""
    fields = tuple(FieldSpec(name=n.replace("_", " "), box=b) for n, b in boxes.items() if b)
    return DocumentSpec(
        id=template.id, country=template.country, name="Test", description="Identity Card",
        fields=fields,
    )  # fmt: skip


def area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def overlap(a: Box, b: Box) -> float:
    return area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def iou(a: Box, b: Box) -> float:
    both = overlap(a, b)
    return both / (area(a) + area(b) - both)


def centre_in(a: Box, b: Box) -> bool:
    x, y = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] <= x <= b[2] and b[1] <= y <= b[3]


def photo_pages(templates: list[Template]) -> list[tuple[Template, np.ndarray, dict]]:
    pages = [(t, *page(t.id, s)) for t in templates for s in SEEDS]
    return [(t, pixels, boxes) for t, pixels, boxes, drawn in pages if not drawn]


def test_photo_portraits_are_found_and_cropped_head_and_shoulders():
    pages = photo_pages(WITH_PORTRAIT)
    assert len(pages) >= 20
    found = 0
    for template, pixels, boxes in pages:
        got = find_portraits(pixels)
        if got.face is None:
            continue
        found += 1
        truth = boxes["Portrait"]
        assert centre_in(got.face, truth), template.id
        # measured on 156 photo pages: IoU 0.57-0.76, 67-100% of the crop inside the photo
        assert iou(got.portrait, truth) >= 0.45, template.id
        assert overlap(got.portrait, truth) >= 0.6 * area(got.portrait), template.id
        assert got.check == OK, template.id
    assert found >= 0.9 * len(pages)  # measured 156 of 157


def test_a_drawn_face_is_no_face_and_the_layout_box_stands_in():
    pages = [(t, *page(t.id, s)) for t in WITH_PORTRAIT for s in range(6)]
    drawn = [(t, pixels) for t, pixels, _, was_drawn in pages if was_drawn]
    assert drawn
    for template, pixels in drawn:
        spec = layout_spec(template, Portrait=template.portrait)
        got = find_portraits(pixels, spec)
        assert got.face is None and got.check == ERROR
        assert got.portrait == template.portrait
        assert find_portraits(pixels, spec, layout=False).portrait is None


def test_a_ghost_portrait_is_found_where_the_template_has_one_and_only_there():
    with_ghost = photo_pages(WITH_GHOST)
    hits = 0
    for template, pixels, _ in with_ghost:
        got = find_portraits(pixels)
        if got.ghost is not None:
            assert centre_in(got.ghost, template.ghost_portrait), template.id
            assert overlap(got.ghost, got.face) == 0
            hits += 1
    assert hits >= 0.8 * len(with_ghost)  # measured 71 of 72, none on 84 pages without
    for template, pixels, _ in photo_pages(WITHOUT_GHOST):
        assert find_portraits(pixels).ghost is None, template.id


def test_a_missing_ghost_falls_back_to_the_layout_box():
    template = TEMPLATES["es_dni_front"]
    spec = layout_spec(template, Ghost_Portrait=template.ghost_portrait)
    blank = np.full((631, 1000, 3), 235, np.uint8)
    assert find_portraits(blank, spec).ghost == template.ghost_portrait


@pytest.mark.parametrize("template_id", SIGNATURE_LABELLED)
def test_the_signature_is_found_next_to_its_printed_label(template_id: str):
    pixels, boxes, _ = page(template_id, 0)
    items = read_text(pixels)
    got = signature_box(pixels, items, None)
    assert got is not None
    assert iou(got, boxes["Signature"]) >= 0.5  # measured 0.77-0.88


@pytest.mark.parametrize("template", WITH_SIGNATURE, ids=lambda t: t.id)
def test_the_signature_is_cropped_from_the_layout_box(template: Template):
    pixels, boxes, _ = page(template.id, 1)
    got = signature_box(pixels, [], layout_spec(template, Signature=template.signature))
    assert got is not None
    assert iou(got, boxes["Signature"]) >= 0.6  # measured 0.77-0.93


def graphics_of(page: Document, spec: DocumentSpec | None, max_side: int) -> dict[str, bytes]:
    return crop_graphics(page, [], spec, find_portraits(page.pixels, spec), max_side)


def test_no_signature_without_a_label_or_a_layout_box():
    pixels, boxes, _ = page("es_dni_front", 0)
    assert "Signature" in boxes
    assert signature_box(pixels, [], None) is None
    graphics = graphics_of(document(pixels), None, 600)
    assert "Signature" not in graphics


def test_every_graphic_is_a_jpeg_within_the_longest_side():
    template = TEMPLATES["gb_passport_td3"]
    pixels = first_photo(template.id)
    spec = layout_spec(template, Signature=template.signature)
    graphics = graphics_of(document(pixels), spec, 160)
    assert set(graphics) == {"Document Front", "Portrait", "Ghost Portrait", "Signature"}
    assert find_portraits(pixels, spec).check == OK
    for name, jpeg in graphics.items():
        image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert image is not None and max(image.shape[:2]) <= 160, name
    front = cv2.imdecode(np.frombuffer(graphics["Document Front"], np.uint8), 1)
    assert abs(front.shape[1] / front.shape[0] - pixels.shape[1] / pixels.shape[0]) < 0.02


def test_a_blank_page_has_no_portrait_and_its_check_depends_on_the_side():
    blank = document(np.full((631, 1000, 3), 235, np.uint8))
    assert set(graphics_of(blank, None, 600)) == {"Document Front"}
    assert find_portraits(blank.pixels).check == ERROR  # a portrait was due: not found
    back = next(s for s in catalogue() if s.side == "back")
    assert find_portraits(blank.pixels, back).check == NOT_DONE  # none due


def test_a_blurred_or_tiny_face_fails_the_portrait_check():
    pixels = first_photo("es_dni_front")
    assert find_portraits(pixels).check == OK
    assert find_portraits(cv2.GaussianBlur(pixels, (0, 0), 3)).check == ERROR
    tiny = cv2.resize(pixels, (260, 164), interpolation=cv2.INTER_AREA)
    assert find_portraits(tiny).check == ERROR


def real_passport_scans() -> list[np.ndarray]:
    manifest = REAL_DEV / "manifest.jsonl"
    if not manifest.exists():
        pytest.skip(f"{manifest} is absent")
    rows = [json.loads(line) for line in manifest.read_text("utf-8").splitlines() if line]
    paths = [
        REAL_DEV / r["path"]
        for r in rows
        if r["doc_kind"] == "passport" and not NOT_TIGHT & set(r["tags"])
    ]
    images = [cv2.imread(str(p)) for p in paths if p.exists()]
    return [im for im in images if im is not None]


def test_faces_are_found_on_real_passport_specimen_scans():
    scans = real_passport_scans()
    if len(scans) < 5:
        pytest.skip("too few real passport scans")
    found = [find_portraits(im) for im in scans]
    faces = [f.face for f in found if f.face is not None]
    assert len(faces) >= 0.8 * len(scans)  # measured 21 of 21
    # a passport's portrait stands in the upper four fifths, above the MRZ
    assert all((f[1] + f[3]) / 2 < 0.8 for f in faces)
