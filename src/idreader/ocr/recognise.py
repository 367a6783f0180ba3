"""Text-line recognition (CTC) with per-character alternatives, optionally restricted to an
alphabet (e.g. the MRZ's A-Z 0-9 <)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import cv2
import numpy as np
import yaml

from idreader.ocr import models
from idreader.ocr.models import RECOGNISER, Model

HEIGHT = RECOGNISER.height
MAX_WIDTH = 1600


@dataclass(frozen=True)
class Glyph:
    char: str
    prob: float
    alternatives: tuple[tuple[str, float], ...]  # next-best characters, best first
    x: float = 0.0  # centre along the strip, as a share of the strip's width


@dataclass(frozen=True)
class TextLine:
    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    @property
    def confidence(self) -> float:
        return float(np.mean([g.prob for g in self.glyphs])) if self.glyphs else 0.0


def crop_line(
    bgr: np.ndarray,
    corners: np.ndarray,
    pad: float = 0.08,
    pad_along: float = 0.6,
    out_h: int = HEIGHT,
) -> np.ndarray:
    """Warp an oriented box to a horizontal strip (long side horizontal, left to right as
    given by ``corners``: TL, TR, BR, BL)."""
    tl, tr, br, bl = corners.astype(np.float32)
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    out_w = int(
        np.clip((width + 2 * pad_along * height) / max(height, 1) * out_h, out_h, MAX_WIDTH)
    )
    grow = pad * height
    across = (bl - tl) / max(height, 1) * grow
    along = (tr - tl) / max(width, 1) * pad_along * height
    src = np.array(
        [tl - across - along, tr - across + along, br + across + along, bl + across - along],
        np.float32,
    )
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(
        bgr, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


@cache
def lookalikes() -> dict[str, tuple[str, ...]]:
    text = files("idreader").joinpath("data/ocr_lookalikes.yaml").read_text("utf-8")
    return {k: tuple(v) for k, v in yaml.safe_load(text).items()}


@cache
def _merge(model: Model, alphabet: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """How to fold the model's output columns onto the blank and ``alphabet``: gather these
    columns, sum runs starting at these offsets; the characters of the folded columns."""
    index = {k: i for i, k in enumerate(models.alphabet(model)) if i}
    keys = ["", *alphabet]
    sources: list[list[int]] = [[0]]
    for char in alphabet:
        similar = (c for c in lookalikes().get(char, ()) if c not in alphabet)
        sources.append([index[c] for c in (char, *similar) if c in index])
    columns = np.array([i for group in sources for i in group])
    starts = np.cumsum([0, *(len(g) for g in sources[:-1])])
    return columns, starts, keys


def recognise(
    strips: list[np.ndarray],
    alphabet: str | None = None,
    alternatives: int = 3,
    model: Model = RECOGNISER,
) -> list[TextLine]:
    """Read each strip (BGR, ``model.height`` high, as made by ``crop_line``), batched."""
    if not strips:
        return []
    probs = models.session(model).run(None, {"x": batch_input(strips, model)})[0]
    width = max(s.shape[1] for s in strips)
    if alphabet is not None:
        columns, starts, keys = _merge(model, alphabet)
    else:
        keys = models.alphabet(model)
    lines = []
    for i, strip in enumerate(strips):
        span = probs.shape[1] * strip.shape[1] / width
        frames = probs[i, : int(np.ceil(span))]
        if alphabet is not None:  # fold onto the allowed characters, renormalise
            frames = np.add.reduceat(frames[:, columns], starts, axis=1)
            frames = frames / np.maximum(frames.sum(axis=1, keepdims=True), 1e-9)
        lines.append(decode(frames, keys, alternatives, span))
    return lines


def batch_input(strips: list[np.ndarray], model: Model) -> np.ndarray:
    width = max(s.shape[1] for s in strips)
    if model.grey:  # trained with the last column repeated as padding
        grey = [cv2.cvtColor(s, cv2.COLOR_BGR2GRAY) for s in strips]
        padded = [np.pad(g, ((0, 0), (0, width - g.shape[1])), mode="edge") for g in grey]
        return (np.stack(padded).astype(np.float32) / 255.0)[:, None]
    batch = np.zeros((len(strips), 3, model.height, width), np.float32)
    for i, strip in enumerate(strips):
        x = (strip.astype(np.float32) / 255.0 - 0.5) / 0.5
        batch[i, :, :, : strip.shape[1]] = x.transpose(2, 0, 1)
    return batch


def decode(
    frames: np.ndarray, keys: list[str], alternatives: int, span: float | None = None
) -> TextLine:
    """Greedy CTC decoding; each glyph keeps the best other characters of its peak frame."""
    best = frames.argmax(axis=1)
    starts = np.flatnonzero(np.diff(best, prepend=-1))  # where each run of one class begins
    ends = [*starts[1:], len(best)]
    glyphs = []
    for a, b in zip(starts, ends, strict=True):
        k = best[a]
        if k == 0:  # the blank
            continue
        peak = a + int(frames[a:b, k].argmax())
        row = frames[peak]
        centre = (a + b) / 2 / (span or len(frames))
        glyphs.append(Glyph(keys[k], float(row[k]), rivals(row, k, keys, alternatives), centre))
    return TextLine(tuple(glyphs))


def rivals(row: np.ndarray, k: int, keys: list[str], n: int) -> tuple[tuple[str, float], ...]:
    """The ``n`` likeliest characters of a frame other than its best, ``k``, and the blank."""
    if n == 0:
        return ()
    top = np.argpartition(row, -(n + 2))[-(n + 2) :]
    top = top[np.argsort(row[top])[::-1]]
    return tuple((keys[j], float(row[j])) for j in top if j not in (0, k) and j < len(keys))[:n]
