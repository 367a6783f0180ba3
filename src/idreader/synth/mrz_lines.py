"""Training strips for the MRZ line recogniser: MRZ-like text in OCR-B, cut out the way the
reader cuts a detected line (neighbouring lines peeking in, loose margins), then degraded
like a phone photo. Returns grey strips STRIP_HEIGHT pixels high and their text."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw

from idreader.synth import fonts

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
LETTERS, DIGITS = ALPHABET[:26], ALPHABET[26:36]
STRIP_HEIGHT = 32
OTHER_FONT_SHARE = 0.1  # some MRZs are printed in faces close to OCR-B
CONFUSABLE = "0ODQ1I8B5S2Z6GUVKMNHX<"  # shapes told apart only by detail at low resolution
PIECES = ("name", "digits", "fillers", "mixed", "code", "confusable")
PIECE_SHARES = (0.27, 0.22, 0.18, 0.15, 0.08, 0.1)


def mrz_text(rng: np.random.Generator, length: int) -> str:
    """A run of MRZ-like pieces: names with '<' separators, digit runs, filler runs."""
    parts: list[str] = []
    while sum(map(len, parts)) < length + 8:
        kind = rng.choice(PIECES, p=PIECE_SHARES)
        n = int(rng.integers(1, 12))
        if kind == "name":
            parts.append("".join(rng.choice(list(LETTERS), n)) + "<" * int(rng.integers(1, 3)))
        elif kind == "digits":
            parts.append("".join(rng.choice(list(DIGITS), n)))
        elif kind == "fillers":
            parts.append("<" * int(rng.integers(1, 16)))
        elif kind == "confusable":
            parts.append("".join(rng.choice(list(CONFUSABLE), n)))
        elif kind == "mixed":
            parts.append("".join(rng.choice(list(LETTERS + DIGITS), n)))
        else:
            parts.append(str(rng.choice(["P<", "I<", "ID", "V<", "AC", "IR"])))
    text = "".join(parts)
    start = int(rng.integers(0, len(text) - length + 1))
    return text[start : start + length]


def _background(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    base = rng.uniform(150, 255, 3).astype(np.float32)
    ramp = np.linspace(0, rng.uniform(-40, 40), w, dtype=np.float32)[None, :, None]
    img = np.clip(base + ramp + rng.normal(0, rng.uniform(1, 8), (h, w, 1)), 0, 255)
    img = img.astype(np.uint8)
    xs = np.arange(w)
    for _ in range(int(rng.integers(0, 5))):  # guilloche-like curves
        ys = rng.uniform(0, h) + rng.uniform(3, h / 3) * np.sin(rng.uniform(0.005, 0.05) * xs)
        pts = np.stack([xs, ys], 1).astype(np.int32)
        colour = tuple(float(c) for c in np.clip(base - rng.uniform(10, 60, 3), 0, 255))
        cv2.polylines(img, [pts], False, colour, int(rng.integers(1, 3)), cv2.LINE_AA)
    return img


def render_strip(rng: np.random.Generator, length: int) -> tuple[np.ndarray, str]:
    """One grey strip holding ``length`` MRZ characters, and its text."""
    family = "mono" if rng.random() < OTHER_FONT_SHARE else "ocrb"
    font = fonts.load(fonts.choose(family, rng), int(rng.integers(20, 44)))
    texts = [mrz_text(rng, length) for _ in range(3)]  # the middle one is the target
    pitch = font.getlength("<") * rng.uniform(0.97, 1.12)
    top_h, bottom_h = font.getbbox("H")[1], font.getbbox("H")[3]
    cap = bottom_h - top_h
    line_gap = cap * rng.uniform(1.6, 2.4)
    margin = int(pitch * 3)
    w, h = int(pitch * length + 2 * margin), int(line_gap * 2 + cap * 4)
    canvas = Image.fromarray(_background(rng, h, w))
    draw = ImageDraw.Draw(canvas)
    ink = tuple(int(c) for c in rng.uniform(0, 90, 3))
    for row, text in enumerate(texts):
        y = (h - cap) / 2 - top_h + (row - 1) * line_gap
        for i, ch in enumerate(text):
            draw.text((margin + i * pitch, y), ch, font=font, fill=ink)
    img = _degrade(rng, _stroke(rng, np.asarray(canvas)), cap)
    # The detector's box around the middle line, as loose and skewed as real ones.
    cy, half = h / 2, cap * rng.uniform(1.45, 2.4) / 2
    x0 = margin - pitch * rng.uniform(0.3, 1.4)
    x1 = margin + pitch * length + pitch * rng.uniform(0.3, 1.4)
    src = np.array([[x0, cy - half], [x1, cy - half], [x1, cy + half], [x0, cy + half]])
    src = src + rng.normal(0, cap * 0.06, src.shape)
    angle = np.radians(rng.normal(0, 1.0))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    src = ((src - [w / 2, cy]) @ rot.T + [w / 2, cy]).astype(np.float32)
    out_w = round((x1 - x0) / (2 * half) * STRIP_HEIGHT)
    dst = np.array([[0, 0], [out_w, 0], [out_w, STRIP_HEIGHT], [0, STRIP_HEIGHT]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    strip = cv2.warpPerspective(
        img, matrix, (out_w, STRIP_HEIGHT), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )
    return _finish(rng, cv2.cvtColor(strip, cv2.COLOR_RGB2GRAY)), texts[1]


def _stroke(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    r = rng.random()
    if r < 0.15:
        return cv2.erode(img, np.ones((2, 2), np.uint8))  # heavier ink
    if r < 0.25:
        return cv2.dilate(img, np.ones((2, 2), np.uint8))  # thinner strokes
    return img


def _degrade(rng: np.random.Generator, img: np.ndarray, cap: float) -> np.ndarray:
    h, w = img.shape[:2]
    if rng.random() < 0.35:  # fewer pixels per glyph than rendered
        f = rng.uniform(0.25, 0.8)
        size = (max(1, int(w * f)), max(1, int(h * f)))
        small = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.4:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, max(0.4, 0.1 * cap)))
    if rng.random() < 0.2:  # motion blur
        k = int(rng.integers(3, max(4, int(cap * 0.3))))
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1
        m = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, m, (k, k))
        img = cv2.filter2D(img, -1, kernel / max(kernel.sum(), 1e-6))
    if rng.random() < 0.3:  # uneven light or glare
        y, x = np.ogrid[0:h, 0:w]
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(h / 2, w / 2)
        spot = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))[..., None]
        lit = img * rng.uniform(0.5, 1.0) + spot * rng.uniform(0, 110)
        img = np.clip(lit, 0, 255).astype(np.uint8)
    return img


def _finish(rng: np.random.Generator, grey: np.ndarray) -> np.ndarray:
    out = grey.astype(np.float32)
    if rng.random() < 0.5:  # contrast and brightness
        out = (out - 128) * rng.uniform(0.4, 1.2) + 128 + rng.uniform(-40, 40)
    out = np.clip(out + rng.normal(0, rng.uniform(0, 12), out.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        quality = int(rng.integers(15, 90))
        _, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out
