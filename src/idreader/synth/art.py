"""Procedural artwork: guilloche backgrounds, portraits and signatures."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np


def hex_to_bgr(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return b, g, r


def jitter(colour: tuple[int, int, int], rng: np.random.Generator, amount: int = 12):
    return tuple(int(np.clip(c + rng.integers(-amount, amount + 1), 0, 255)) for c in colour)


def paper(width: int, height: int, colour, pattern, rng: np.random.Generator) -> np.ndarray:
    """Paper tint, a soft gradient and guilloche line work."""
    img = np.empty((height, width, 3), np.float32)
    img[:] = jitter(colour, rng, 6)
    ramp = np.linspace(-1, 1, width, dtype=np.float32)[None, :, None]
    img += ramp * rng.uniform(4, 14)
    img = np.clip(img, 0, 255).astype(np.uint8)
    guilloche(img, pattern, rng)
    return img


def guilloche(img: np.ndarray, colour, rng: np.random.Generator) -> None:
    h, w = img.shape[:2]
    layer = img.copy()
    t = np.linspace(0, 2 * np.pi, 1600)
    for _ in range(int(rng.integers(2, 4))):  # rosettes
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        r0, k, m = rng.uniform(0.15, 0.35) * h, int(rng.integers(5, 13)), rng.uniform(0.1, 0.3)
        for phase in np.linspace(0, np.pi / k, 6):
            r = r0 * (1 + m * np.sin(k * t + phase))
            pts = np.stack([cx + r * np.cos(t), cy + r * np.sin(t)], 1).astype(np.int32)
            cv2.polylines(layer, [pts], True, colour, 1, cv2.LINE_AA)
    xs = np.arange(0, w, 2)
    for row in np.arange(rng.uniform(0, 14), h, 14):  # waves
        ys = row + 5 * np.sin(xs / rng.uniform(18, 40) + row / 30)
        pts = np.stack([xs, ys], 1).astype(np.int32)
        cv2.polylines(layer, [pts], False, colour, 1, cv2.LINE_AA)
    cv2.addWeighted(layer, 0.45, img, 0.55, 0, dst=img)


@cache
def _face_source() -> np.ndarray | None:
    """A real face photo shipped in scikit-image's wheel (public-domain astronaut), if any."""
    try:
        from skimage import data
    except ImportError:
        return None
    return cv2.cvtColor(data.astronaut()[0:330, 110:360], cv2.COLOR_RGB2BGR)


def portrait(width: int, height: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """A holder's portrait and whether it is a photo (else a drawn face)."""
    source = _face_source()
    if source is None or rng.random() < 0.25:
        return drawn_face(width, height, rng), False
    h, w = source.shape[:2]
    dx, dy = rng.integers(-15, 16, 2)
    zoom = rng.uniform(0.85, 1.1)
    cw, ch = int(w * zoom), int(h * zoom)
    x0 = int(np.clip((w - cw) // 2 + dx, 0, max(0, w - cw)))
    y0 = int(np.clip((h - ch) // 2 + dy, 0, max(0, h - ch)))
    face = source[y0 : y0 + ch, x0 : x0 + cw]
    if rng.random() < 0.5:
        face = face[:, ::-1]
    face = cv2.resize(face, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)
    face = face * rng.uniform(0.8, 1.15, 3) + rng.uniform(-15, 15)
    backdrop = np.array(jitter((225, 225, 230), rng, 20), np.float32)
    face[: height // 12] = 0.6 * face[: height // 12] + 0.4 * backdrop
    return np.clip(face, 0, 255).astype(np.uint8), True


def drawn_face(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    img = np.full((height, width, 3), jitter((215, 215, 220), rng, 25), np.uint8)
    skin = jitter(pick_skin(rng), rng, 10)
    cx, cy = width // 2, int(height * 0.45)
    axes = (int(width * 0.3), int(height * 0.3))
    cv2.ellipse(
        img,
        (cx, int(height * 1.05)),
        (int(width * 0.48), int(height * 0.3)),
        0,
        0,
        360,
        jitter((70, 60, 50), rng, 40),
        -1,
    )
    cv2.ellipse(img, (cx, cy), axes, 0, 0, 360, skin, -1)
    hair = jitter((40, 35, 30), rng, 30)
    cv2.ellipse(img, (cx, cy - axes[1] // 3), (axes[0] + 4, axes[1] // 1), 0, 180, 360, hair, -1)
    for side in (-1, 1):
        ex, ey = cx + side * axes[0] // 2, cy
        cv2.ellipse(img, (ex, ey), (axes[0] // 5, axes[1] // 9), 0, 0, 360, (245, 245, 245), -1)
        cv2.circle(img, (ex, ey), axes[1] // 12, (50, 40, 30), -1)
    cv2.line(img, (cx, cy + 5), (cx - 4, cy + axes[1] // 3), (0.7 * np.array(skin)).tolist(), 2)
    cv2.ellipse(
        img, (cx, cy + axes[1] // 2), (axes[0] // 3, axes[1] // 10), 0, 0, 180, (60, 60, 150), 2
    )
    return img


def pick_skin(rng: np.random.Generator) -> tuple[int, int, int]:
    tones = [(160, 190, 230), (120, 160, 210), (90, 130, 180), (60, 90, 140), (45, 65, 100)]
    return tones[int(rng.integers(len(tones)))]


def signature(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A pen signature as an ink mask (uint8 0..255) of the given size."""
    mask = np.zeros((height, width), np.uint8)
    x = rng.uniform(0.05, 0.15) * width
    pts = []
    while x < width * rng.uniform(0.75, 0.95):
        x += rng.uniform(0.02, 0.07) * width
        pts.append((x, height * (0.5 + rng.uniform(-0.35, 0.35))))
    pts_arr = np.array(pts)
    t = np.linspace(0, len(pts_arr) - 1, 300)
    xs = np.interp(t, np.arange(len(pts_arr)), pts_arr[:, 0])
    ys = np.interp(t, np.arange(len(pts_arr)), pts_arr[:, 1])
    ys = cv2.GaussianBlur(ys.reshape(-1, 1), (1, 15), 4).ravel()
    ys += np.sin(t * rng.uniform(2, 5)) * height * 0.12
    curve = np.stack([xs, ys], 1).astype(np.int32)
    cv2.polylines(mask, [curve], False, 255, int(rng.integers(2, 4)), cv2.LINE_AA)
    y = int(height * rng.uniform(0.7, 0.85))  # underline flourish
    cv2.line(
        mask,
        (int(width * 0.1), y),
        (int(width * rng.uniform(0.5, 0.9)), y - 4),
        255,
        2,
        cv2.LINE_AA,
    )
    return mask
