"""Locate stage: synthetic cards on cluttered tables, tight scans, cut and nested documents."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from idreader.bench.metrics import polygon_iou
from idreader.pipeline.locate import (
    ID1_ASPECT,
    document_shaped,
    locate_document,
    order_corners,
    true_aspect,
)

CARD_W, CARD_H = 856, 540  # ID-1 at 10 px/mm


def card(seed: int = 0) -> np.ndarray:
    """An ID-1 card: pale ground, coloured header band, portrait, text lines and an MRZ."""
    rng = np.random.default_rng(seed)
    img = np.full((CARD_H, CARD_W, 3), (226, 234, 240), np.uint8)
    cv2.rectangle(img, (0, 0), (CARD_W - 1, 80), (150, 95, 40), -1)
    cv2.putText(img, "IDENTITY CARD", (30, 58), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 3)
    cv2.rectangle(img, (40, 120), (250, 390), (110, 130, 185), -1)  # portrait
    cv2.circle(img, (145, 220), 60, (90, 110, 150), -1)
    for i in range(5):
        text = "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789"), 12))
        cv2.putText(img, text, (290, 150 + 50 * i), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (40, 30, 30), 2)
    for i, line in enumerate(("IDXYZ123456789<<<<<<<<<<<<<<", "8001012M3001017XYZ<<<<<<<<<<")):
        cv2.putText(img, line, (40, 450 + 45 * i), cv2.FONT_HERSHEY_PLAIN, 2.6, (20, 20, 20), 2)
    return img


def table(w: int, h: int, seed: int = 1) -> np.ndarray:
    """A textured surface with papers, pens and coins lying around."""
    rng = np.random.default_rng(seed)
    img = np.empty((h, w, 3), np.uint8)
    img[:] = np.array([50, 115, 60]) + rng.integers(-20, 21, 3)  # greenish, unlike the card
    grain = cv2.resize(rng.normal(0, 12, (h // 16 + 1, w // 16 + 1)), (w, h))
    img = np.clip(img + grain[..., None] + rng.normal(0, 3, (h, w, 1)), 0, 255).astype(np.uint8)
    for _ in range(14):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(3)
        centre = (float(rng.uniform(0, w)), float(rng.uniform(0, h)))
        if kind == 0:  # a rotated paper
            size = (float(rng.uniform(60, 260)), float(rng.uniform(60, 260)))
            box = cv2.boxPoints((centre, size, float(rng.uniform(0, 180))))
            cv2.fillConvexPoly(img, box.astype(np.int32), colour)
        elif kind == 1:  # a pen or a cable
            end = (int(centre[0] + rng.uniform(-300, 300)), int(centre[1] + rng.uniform(-300, 300)))
            cv2.line(img, (int(centre[0]), int(centre[1])), end, colour, int(rng.integers(3, 12)))
        else:  # a coin
            cv2.circle(img, (int(centre[0]), int(centre[1])), int(rng.integers(15, 50)), colour, -1)
    return img


def photo(corners: np.ndarray, size: tuple[int, int], seed: int = 0) -> np.ndarray:
    """The card warped onto the table so that its corner pixels land on `corners`."""
    w, h = size
    src = np.float32([[0, 0], [CARD_W - 1, 0], [CARD_W - 1, CARD_H - 1], [0, CARD_H - 1]])
    matrix = cv2.getPerspectiveTransform(src, np.float32(corners))
    doc = cv2.warpPerspective(card(seed), matrix, (w, h), flags=cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(np.ones((CARD_H, CARD_W), np.float32), matrix, (w, h))[..., None]
    mixed = table(w, h, seed + 1) * (1 - cover) + doc * cover
    return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)


def projected(
    size: tuple[int, int], tilt_deg: float, axis_deg: float, spin_deg: float, scale: float
) -> np.ndarray:
    """Corners of the card turned by spin_deg in its plane, tilted by tilt_deg about an in-plane
    axis at axis_deg, and seen by a pinhole camera looking at its centre from the frame's
    centre; `scale` is the card's width over the frame's before the tilt."""
    w, h = size
    focal = 1.5 * max(w, h)
    half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [CARD_W - 1, CARD_H - 1] / 2
    spin = np.radians(spin_deg)
    plane = half @ np.array([[np.cos(spin), np.sin(spin)], [-np.sin(spin), np.cos(spin)]])
    axis = np.radians(axis_deg)
    rot, _ = cv2.Rodrigues(np.array([np.cos(axis), np.sin(axis), 0.0]) * np.radians(tilt_deg))
    distance = focal * (CARD_W - 1) / (scale * w)
    points = np.column_stack([plane, np.zeros(4)]) @ rot.T + [0, 0, distance]
    image = focal * points[:, :2] / points[:, 2:] + [(w - 1) / 2, (h - 1) / 2]
    return order_corners(image.astype(np.float32))


def test_card_under_perspective_on_clutter():
    truth = projected((1280, 960), tilt_deg=30, axis_deg=30, spin_deg=4, scale=0.7)
    img = photo(truth, (1280, 960))
    doc = locate_document(img)
    assert doc.edges_found
    assert polygon_iou(doc.corners.tolist(), truth.tolist()) >= 0.95
    assert np.abs(doc.corners - truth).max() < 6
    h, w = doc.pixels.shape[:2]
    assert w == 1000 and abs(w / h - ID1_ASPECT) < 0.02  # rectified to the ID-1 proportion


@pytest.mark.parametrize("angle", [12.0, 45.0, 100.0, 180.0])
def test_rotated_card_corners_in_order(angle):
    truth = projected((1280, 1040), tilt_deg=0, axis_deg=0, spin_deg=angle, scale=0.6)
    img = photo(truth, (1280, 1040), seed=3)
    doc = locate_document(img)
    assert doc.edges_found
    assert polygon_iou(doc.corners.tolist(), truth.tolist()) >= 0.95
    tl, tr, br, bl = doc.corners  # clockwise, starting at the top left
    assert tl.sum() == doc.corners.sum(axis=1).min()
    assert cross(tr - tl, br - tr) > 0 and cross(br - tr, bl - br) > 0


def cross(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def test_tight_scan_is_the_whole_frame():
    img = card()
    doc = locate_document(img)
    assert not doc.edges_found
    assert doc.pixels is img
    expected = [[0, 0], [CARD_W - 1, 0], [CARD_W - 1, CARD_H - 1], [0, CARD_H - 1]]
    assert doc.corners.tolist() == expected


def test_portrait_frame_is_not_the_document():
    # a strongly outlined, square-ish picture on a tight scan, and on the card in a photo
    scan = card()
    cv2.rectangle(scan, (40, 120), (250, 390), (0, 0, 0), 4)
    assert not locate_document(scan).edges_found
    truth = np.float32([[180, 140], [1100, 140], [1100, 720], [180, 720]])
    doc = locate_document(photo(truth, (1280, 860), seed=5))
    assert doc.edges_found
    assert polygon_iou(doc.corners.tolist(), truth.tolist()) >= 0.95


def test_card_cut_by_the_frame_is_completed():
    # the left quarter of the card lies outside the picture: its corners too
    truth = np.float32([[-230, 160], [800, 160], [800, 810], [-230, 810]])
    doc = locate_document(photo(truth, (1000, 1000), seed=7))
    assert doc.edges_found
    assert doc.corners[:, 0].min() < -150
    assert polygon_iou(doc.corners.tolist(), truth.tolist()) >= 0.95


def test_card_on_a_screen_inside_its_bezel():
    truth = np.float32([[280, 200], [1080, 200], [1080, 705], [280, 705]])
    scene = photo(truth, (1280, 900), seed=9)
    shot = np.full((1000, 1400, 3), 18, np.uint8)  # the screen's dark bezel
    shot[50:950, 60:1340] = scene
    doc = locate_document(shot)
    assert doc.edges_found
    assert polygon_iou(doc.corners.tolist(), (truth + np.float32([60, 50])).tolist()) >= 0.95


def test_order_corners_of_a_diamond():
    diamond = np.float32([[50, 0], [100, 50], [50, 100], [0, 50]])
    ordered = order_corners(diamond[[2, 0, 3, 1]])
    assert len({tuple(p) for p in ordered.tolist()}) == 4
    assert ordered.tolist() == [[50, 0], [100, 50], [50, 100], [0, 50]]


def test_true_aspect_undoes_perspective():
    # an ID-1 card tilted by 40 degrees about a slanting axis
    w, h = 1600, 1200
    quad = projected((w, h), tilt_deg=40, axis_deg=25, spin_deg=0, scale=0.6).astype(np.float64)
    tl, tr, br, bl = quad
    plain = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / (
        np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)
    )
    assert abs(plain - ID1_ASPECT) > 0.2  # foreshortened
    assert abs(float(true_aspect(quad, w, h)) - ID1_ASPECT) < 0.02
    assert document_shaped(quad, (w, h))
    # tilted straight forward, top and bottom stay parallel and the focal length is assumed
    # (shorter than this camera's): still nearer the truth than the plain ratio
    quad = projected((w, h), tilt_deg=35, axis_deg=0, spin_deg=0, scale=0.6).astype(np.float64)
    tl, tr, br, bl = quad
    plain = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / (
        np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)
    )
    error = abs(float(true_aspect(quad, w, h)) - ID1_ASPECT)
    assert error < 0.2 and error < abs(plain - ID1_ASPECT) / 1.5


def test_document_shaped_proportions():
    def rect(width: float, height: float) -> np.ndarray:
        return np.float32([[0, 0], [width, 0], [width, height], [0, height]])

    assert document_shaped(rect(856, 540)) and document_shaped(rect(880, 1250))  # ID-1, ID-3
    assert not document_shaped(rect(350, 450))  # a portrait photo
    assert not document_shaped(rect(500, 500)) and not document_shaped(rect(1000, 400))


def test_a_documents_physical_width_comes_from_its_size_or_its_mrz():
    from idreader.pipeline.locate import format_width_mm

    assert format_width_mm("ID-3") == 125.0
    assert format_width_mm(None, "TD3") == 125.0  # a passport's MRZ: an ID-3 page
    assert format_width_mm(None, "TD2") == 105.0
    assert format_width_mm("ID-1", "TD3") == 85.60  # the catalogue knows better
    assert format_width_mm(None) == 85.60
