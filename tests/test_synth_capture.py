"""Capture simulator: corners stay exact through geometry, every defect changes what it claims."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from idreader.pipeline.quality import max_corner_deviation_deg
from idreader.synth import capture as capture_module
from idreader.synth.capture import DEFECTS, ORDER, Capture, capture, flat_capture

W, H = 1000, 630
MARKER = 80  # side of the coloured squares in the document's corners
MARKERS = ((0, 0, 230), (0, 200, 0), (230, 0, 0), (200, 0, 200))  # TL, TR, BR, BL (BGR)
DOC_FRAME = np.float32([[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]])


def make_document() -> np.ndarray:
    """A coloured ID-1 card: header band, photo box, text lines, a distinct marker per corner."""
    doc = np.full((H, W, 3), (205, 180, 140), np.uint8)
    cv2.rectangle(doc, (0, 0), (W, 90), (120, 70, 30), -1)
    cv2.rectangle(doc, (60, 130), (330, 480), (140, 150, 170), -1)
    lines = ["IDENTITY CARD", "SURNAME DOE", "GIVEN NAMES JANE", "BORN 01 02 1990"]
    for i, text in enumerate(lines):
        org = (380, 170 + 80 * i)
        cv2.putText(doc, text, org, cv2.FONT_HERSHEY_SIMPLEX, 1.4, (30, 30, 60), 3, cv2.LINE_AA)
    origins = [(0, 0), (W - MARKER, 0), (W - MARKER, H - MARKER), (0, H - MARKER)]
    for (x, y), colour in zip(origins, MARKERS, strict=True):
        cv2.rectangle(doc, (x, y), (x + MARKER - 1, y + MARKER - 1), colour, -1)
    return doc


@pytest.fixture(scope="module")
def document() -> np.ndarray:
    return make_document()


def shoot(document: np.ndarray, defects, seed: int = 0) -> Capture:
    return capture(document, defects, np.random.default_rng(seed))


def rectify(shot: Capture) -> np.ndarray:
    """Warp the photo back to the document's frame using the recorded corners."""
    matrix = cv2.getPerspectiveTransform(shot.corners.astype(np.float32), DOC_FRAME)
    return cv2.warpPerspective(shot.pixels, matrix, (W, H), flags=cv2.INTER_LINEAR)


def grey(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)


def sharpness(img: np.ndarray) -> float:
    return float(cv2.Laplacian(grey(img), cv2.CV_32F).var())


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(grey(a).ravel(), grey(b).ravel())[0, 1])


def quad_mask(shot: Capture) -> np.ndarray:
    mask = np.zeros(shot.pixels.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(shot.corners).astype(np.int32), 1)
    return mask.astype(bool)


def quad_area(corners: np.ndarray) -> float:
    return float(cv2.contourArea(corners.astype(np.float32)))


def inside_frame(shot: Capture) -> np.ndarray:
    h, w = shot.pixels.shape[:2]
    x, y = shot.corners[:, 0], shot.corners[:, 1]
    return (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)


def chroma(img: np.ndarray) -> float:
    lab = cv2.cvtColor(img, cv2.COLOR_BGR2LAB).astype(np.float32)
    return float(np.hypot(lab[..., 1] - 128, lab[..., 2] - 128).mean())


def glare_share(shot: Capture) -> float:
    hsv = cv2.cvtColor(shot.pixels, cv2.COLOR_BGR2HSV)
    blown = (hsv[..., 2] >= 250) & (hsv[..., 1] <= 25)
    return float(blown[quad_mask(shot)].mean())


def blockiness(img: np.ndarray) -> float:
    """Mean step across 8x8 block borders relative to the mean step elsewhere (markers left out,
    their edges fall on block borders)."""
    g = grey(img)[96:536, 96:904]
    ratios = []
    for steps in (np.abs(np.diff(g, axis=1)), np.abs(np.diff(g, axis=0)).T):
        at_border = np.zeros(steps.shape[1], bool)
        at_border[7::8] = True
        ratios.append(steps[:, at_border].mean() / steps[:, ~at_border].mean())
    return float(np.mean(ratios))


def fft_peak_share(img: np.ndarray) -> float:
    """Share of the high-frequency power (above 0.1 cycle/px) in the strongest single peak."""
    g = img[100:612, 200:712, 1].astype(np.float32)  # green channel, 512 x 512 from the middle
    g = (g - g.mean()) * np.outer(np.hanning(512), np.hanning(512))
    power = np.abs(np.fft.fftshift(np.fft.fft2(g))) ** 2
    f = np.fft.fftshift(np.fft.fftfreq(512))
    high = np.hypot(*np.meshgrid(f, f)) > 0.1
    return float(power[high].max() / power[high].sum())


# ---------------------------------------------------------------------------- flat, geometry


def test_flat_capture_is_the_whole_frame(document):
    shot = flat_capture(document)
    assert shot.corners.dtype == np.float32 and shot.corners.shape == (4, 2)
    np.testing.assert_array_equal(shot.corners, DOC_FRAME)
    np.testing.assert_array_equal(shot.pixels, document)
    assert shot.pixels is not document and shot.defects == []


def test_capture_without_defects_is_flat(document):
    shot = shoot(document, [])
    np.testing.assert_array_equal(shot.pixels, document)
    np.testing.assert_array_equal(shot.corners, DOC_FRAME)
    assert shot.defects == []


def edge_error(shot: Capture, document: np.ndarray, shift=(0.0, 0.0), grow=0.0) -> float:
    """Mean error along the document's edges after rectifying with (moved) corners."""
    centre = shot.corners.mean(axis=0)
    outward = (shot.corners - centre) / np.linalg.norm(shot.corners - centre, axis=1)[:, None]
    moved = Capture(shot.pixels, shot.corners + np.float32(shift) + grow * outward, [])
    edges = cv2.dilate(cv2.Canny(document, 50, 150), np.ones((5, 5))) > 0
    return float(np.abs(rectify(moved).astype(np.float32) - document)[edges].mean())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_corners_exact_through_background_perspective_rotation_low_resolution(document, seed):
    defects = {"background": 0.8, "perspective": 0.7, "rotation": 0.6, "low_resolution": 0.2}
    shot = shoot(document, defects, seed)
    assert shot.pixels.shape[:2] != document.shape[:2]
    assert max_corner_deviation_deg(shot.corners) > 10  # really tilted
    assert inside_frame(shot).all()
    back = rectify(shot)
    assert correlation(back, document) > 0.97
    # the recorded corners register better than any half-pixel shift or growth of them
    exact = edge_error(shot, document)
    for move in [{"shift": s} for s in [(0.5, 0), (-0.5, 0), (0, 0.5), (0, -0.5)]] + [
        {"grow": 0.5},
        {"grow": -0.5},
    ]:
        assert edge_error(shot, document, **move) > exact + 0.3
    inner = MARKER // 4  # the middle of each marker, away from its blurred edges
    spots = [(0, 0), (W - MARKER, 0), (W - MARKER, H - MARKER), (0, H - MARKER)]
    for (x, y), colour in zip(spots, MARKERS, strict=True):
        patch = back[y + inner : y + MARKER - inner, x + inner : x + MARKER - inner]
        assert np.abs(patch.reshape(-1, 3).mean(axis=0) - colour).max() < 25


@pytest.mark.parametrize(("strength", "degrees"), [(0.2, 4.0), (0.5, 11.3), (1.0, 25.0)])
def test_perspective_strength_maps_to_corner_angle(document, strength, degrees):
    shot = shoot(document, {"perspective": strength}, seed=3)
    assert max_corner_deviation_deg(shot.corners) == pytest.approx(degrees, abs=0.5)
    assert inside_frame(shot).all()
    assert correlation(rectify(shot), document) > 0.97


@pytest.mark.parametrize("strength", [0.25, 0.5, 1.0])
def test_rotation_turns_the_document_and_the_frame_grows(document, strength):
    shot = shoot(document, {"rotation": strength}, seed=4)
    tl, tr = shot.corners[0], shot.corners[1]
    angle = abs(np.degrees(np.arctan2(tr[1] - tl[1], tr[0] - tl[0])))
    assert angle == pytest.approx(180 * strength, abs=0.2)
    assert inside_frame(shot).all()
    assert correlation(rectify(shot), document) > 0.97


def test_plain_background_makes_edges_visible(document):
    shot = shoot(document, {"perspective": 0.4}, seed=5)
    outside = shot.pixels[~quad_mask(shot)].astype(np.float32)
    border = np.concatenate([document[:5].reshape(-1, 3), document[-5:].reshape(-1, 3)])
    assert outside.std(axis=0).max() < 15  # plain
    assert abs(outside.mean() - border.mean()) > 40  # contrasting


def test_background_clutters_a_larger_frame(document):
    clean = shoot(document, {"background": 0.0}, seed=6)
    busy = shoot(document, {"background": 1.0}, seed=6)
    for shot in (clean, busy):
        h, w = shot.pixels.shape[:2]
        assert 0.33 <= quad_area(shot.corners) / (w * h) <= 0.77
        assert inside_frame(shot).all()
        assert correlation(rectify(shot), document) > 0.98
        assert shot.pixels[~quad_mask(shot)].std() > 15  # something other than a plain surface
    busy_share = quad_area(busy.corners) / busy.pixels[..., 0].size
    assert busy_share < quad_area(clean.corners) / clean.pixels[..., 0].size


def test_background_without_scikit_image(document, monkeypatch):
    monkeypatch.setattr(capture_module, "_sample_images", lambda: ((), ()))
    shot = shoot(document, {"background": 0.9}, seed=7)
    assert shot.pixels[~quad_mask(shot)].std() > 15
    assert correlation(rectify(shot), document) > 0.98


@pytest.mark.parametrize(
    "defects",
    [
        {"partial_crop": 0.3},
        {"partial_crop": 1.0},
        {"background": 0.5, "rotation": 0.3, "partial_crop": 0.6},
        {"perspective": 0.5, "partial_crop": 1.0},
    ],
)
def test_partial_crop_leaves_a_corner_outside(document, defects):
    for seed in range(4):
        shot = shoot(document, defects, seed)
        assert not inside_frame(shot).all()
        h, w = shot.pixels.shape[:2]
        (x0, y0), (x1, y1) = shot.corners.min(axis=0), shot.corners.max(axis=0)
        extent = [x1 - x0, y1 - y0] * 2
        cut = np.array([-x0, -y0, x1 - (w - 1), y1 - (h - 1)]) / extent
        assert cut.max() <= 0.26  # at most about a quarter of the document per side
        back = rectify(shot)  # what is still in the frame is the document, in place
        visible = cv2.warpPerspective(
            np.ones((h, w), np.uint8),
            cv2.getPerspectiveTransform(shot.corners, DOC_FRAME),
            (W, H),
        ).astype(bool)
        visible = cv2.erode(visible.astype(np.uint8), np.ones((5, 5))).astype(bool)
        assert np.abs(back[visible].astype(np.float32) - document[visible]).mean() < 6


# ---------------------------------------------------------------------------- optics, light


def test_defocus_drops_sharpness(document):
    assert sharpness(shoot(document, {"defocus": 0.5}).pixels) < 0.2 * sharpness(document)


def test_motion_blur_drops_sharpness(document):
    assert sharpness(shoot(document, {"motion_blur": 0.5}).pixels) < 0.3 * sharpness(document)


def test_noise_adds_grain_and_salt(document):
    noisy = shoot(document, {"noise": 0.5}).pixels
    residual = grey(noisy) - cv2.medianBlur(grey(noisy).astype(np.uint8), 5)
    clean_residual = grey(document) - cv2.medianBlur(grey(document).astype(np.uint8), 5)
    assert residual.std() > clean_residual.std() + 5
    assert (noisy == 255).all(axis=2).mean() > 5e-4  # salt (the document has no white)


def test_low_light_darkens(document):
    dark = shoot(document, {"low_light": 0.6}).pixels
    assert grey(dark).mean() < 0.7 * grey(document).mean()


def test_uneven_light_shades_smoothly(document):
    ratio = [
        cv2.blur(grey(img), (61, 61)) / cv2.blur(grey(document) + 1e-3, (61, 61))
        for img in (shoot(document, {"uneven_light": 0.5}).pixels, document)
    ]
    shaded, flat = (np.percentile(r, 95) / np.percentile(r, 5) for r in ratio)
    assert flat == pytest.approx(1.0, abs=0.01)
    assert shaded > 1.3


def test_glare_saturates_a_share_of_the_document(document):
    assert glare_share(flat_capture(document)) == 0
    weak = glare_share(shoot(document, {"glare": 0.3}))
    strong = glare_share(shoot(document, {"glare": 1.0}))
    assert 0.01 <= weak < strong <= 0.1


def test_glare_stays_on_the_document(document):
    shot = shoot(document, {"background": 0.6, "rotation": 0.2, "glare": 1.0}, seed=2)
    before = shoot(document, {"background": 0.6, "rotation": 0.2}, seed=2)
    assert glare_share(shot) > 0.02
    outside = ~cv2.dilate(quad_mask(shot).astype(np.uint8), np.ones((5, 5))).astype(bool)
    np.testing.assert_array_equal(shot.pixels[outside], before.pixels[outside])


# ---------------------------------------------------------------------------- reproduction, files


def test_photocopy_is_black_and_white_with_new_levels(document):
    copy = shoot(document, {"photocopy_bw": 0.6}).pixels
    assert chroma(document) > 10
    assert chroma(copy) < 0.5
    assert np.abs(grey(copy) - grey(document)).mean() > 8  # levels changed, not a plain grey
    paper = grey(copy)[450:540, 400:900]  # a flat area of the card below the text
    assert paper.std() > 1  # paper texture


def test_screen_recapture_adds_a_periodic_grid(document):
    clean = fft_peak_share(document)
    screen = fft_peak_share(shoot(document, {"screen_recapture": 0.5}, seed=1).pixels)
    assert screen > 5 * clean
    assert screen > 0.05


def test_screen_bezel_keeps_corners(document):
    shots = [shoot(document, {"screen_recapture": 0.5}, seed) for seed in range(6)]
    framed = [shot for shot in shots if not np.allclose(shot.corners, DOC_FRAME)]
    assert 0 < len(framed) < len(shots)  # the bezel is optional
    for shot in framed:
        assert inside_frame(shot).all()
        assert grey(shot.pixels)[:3].mean() < 50  # dark bezel along the top
        back, flat = (cv2.GaussianBlur(img, (0, 0), 3) for img in (rectify(shot), document))
        assert correlation(back, flat) > 0.95


def test_jpeg_shows_blocks(document):
    lossy = shoot(document, {"jpeg": 1.0}).pixels
    assert blockiness(lossy) > blockiness(document) + 0.4


@pytest.mark.parametrize(("strength", "width"), [(0.0, 700), (0.5, 450), (1.0, 200)])
def test_low_resolution_shrinks_the_document(document, strength, width):
    shot = shoot(document, {"low_resolution": strength})
    doc_width = np.linalg.norm(shot.corners[1] - shot.corners[0])
    assert doc_width == pytest.approx(width, abs=2)
    assert shot.pixels.shape[1] == pytest.approx(width, abs=2)


def test_low_resolution_never_upscales(document):
    small = cv2.resize(document, (300, 189), interpolation=cv2.INTER_AREA)
    shot = shoot(small, {"low_resolution": 0.2})
    np.testing.assert_array_equal(shot.pixels, small)


# ---------------------------------------------------------------------------- API contract


def test_same_seed_same_photo_other_seed_other_photo(document):
    first, again, other = (shoot(document, DEFECTS, seed) for seed in (11, 11, 12))
    np.testing.assert_array_equal(first.pixels, again.pixels)
    np.testing.assert_array_equal(first.corners, again.corners)
    assert first.defects == again.defects
    assert first.pixels.shape != other.pixels.shape or (first.pixels != other.pixels).any()
    assert first.defects != other.defects


def test_random_strengths_are_recorded_in_canonical_order(document):
    shuffled = list(reversed(DEFECTS))
    shot = shoot(document, shuffled, seed=13)
    assert [d["name"] for d in shot.defects] == list(ORDER)
    assert sorted(ORDER) == sorted(DEFECTS)
    for record in shot.defects:
        assert 0.3 <= record["strength"] <= 1.0 and isinstance(record["strength"], float)


def test_given_strengths_are_recorded(document):
    shot = shoot(document, {"jpeg": 0.25, "defocus": 0.0, "glare": 1})
    assert shot.defects == [
        {"name": "defocus", "strength": 0.0},
        {"name": "glare", "strength": 1.0},
        {"name": "jpeg", "strength": 0.25},
    ]


@pytest.mark.parametrize(
    "defects", [["blur"], {"glare": 0.5, "sepia": 0.5}, {"glare": 1.5}, {"noise": -0.1}]
)
def test_bad_defects_raise(document, defects):
    with pytest.raises(ValueError):
        shoot(document, defects)


def test_document_must_be_bgr_uint8(document):
    with pytest.raises(ValueError):
        flat_capture(document.astype(np.float32))
    with pytest.raises(ValueError):
        shoot(grey(document).astype(np.uint8), ["noise"])
