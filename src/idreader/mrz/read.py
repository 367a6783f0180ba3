"""Find and read the MRZ anywhere in an image: detect text lines, recognise the long ones
with the MRZ alphabet, group parallel lines, recover their order, correct, validate."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from idreader.countries import is_icao_code
from idreader.mrz.correct import CERTAIN, Cell, allowed_chars, cell_kinds, correct, options_for
from idreader.mrz.formats import MrzFormat, formats, get_format
from idreader.mrz.glyphs import add_height_evidence
from idreader.mrz.parse import ParsedMrz, parse
from idreader.ocr.detect import TextBox, detect_text
from idreader.ocr.models import (
    DETECTOR,
    MRZ_RECOGNISER,
    RECOGNISER,
    TINY_DETECTOR,
    TINY_RECOGNISER,
    Model,
)
from idreader.ocr.recognise import Glyph, TextLine, crop_line, recognise

MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
DETECT_SIDE = 640
MIN_ASPECT = 7.0  # an MRZ line is long and thin
MAX_CANDIDATES = 10
MAX_GROUPS = 4
MAX_COERCED = 4
UPRIGHT_TEXT = 0.9  # lines read this confidently are the right way up
MIN_LINE_CONFIDENCE = 0.75
MAX_LINE_CHARS = 48
MAX_DOUBT_READINGS = 256  # readings tried to prove the fast reading unique


@dataclass
class MrzLine:
    box: TextBox
    corners: np.ndarray  # TL, TR, BR, BL in reading order
    text: TextLine

    @property
    def direction(self) -> np.ndarray:
        v = self.corners[1] - self.corners[0]
        return v / (np.linalg.norm(v) + 1e-9)

    @property
    def centre(self) -> np.ndarray:
        return self.corners.mean(axis=0)


@dataclass
class MrzResult:
    format: str
    lines_read: list[str]  # as recognised
    parsed: ParsedMrz  # after correction
    corners: np.ndarray  # the MRZ's quadrilateral in the image, reading order
    direction: np.ndarray  # unit vector of the text baseline (reading direction)
    confidence: float
    order: list[MrzLine] = field(default_factory=list)  # recognised lines, in MRZ order

    @property
    def lines(self) -> list[str]:
        return self.parsed.lines

    @property
    def valid(self) -> bool:
        return self.parsed.valid


def reading_corners(box: TextBox, flip: bool = False) -> np.ndarray:
    """Box corners TL, TR, BR, BL with the long side as the baseline, reading left to right
    (or top to bottom for a vertical box); ``flip`` turns them by 180 degrees."""
    pts = box.corners.astype(np.float32)
    sides = [np.linalg.norm(pts[(i + 1) % 4] - pts[i]) for i in range(4)]
    i = int(np.argmax(sides))
    a, b = pts[i], pts[(i + 1) % 4]
    d = b - a
    forward = d[0] > 0 if abs(d[0]) >= abs(d[1]) else d[1] > 0
    start = i if forward else (i + 1) % 4
    order = (
        [pts[(start + k) % 4] for k in range(4)]
        if forward
        else [pts[(start - k) % 4] for k in range(4)]
    )
    tl, tr, br, bl = order
    (ax, ay), (bx, by) = tr - tl, bl - tl
    if ax * by - ay * bx < 0:  # make BL lie below the baseline
        tl, tr, br, bl = bl, br, tr, tl
    quad = np.array([tl, tr, br, bl], np.float32)
    return quad[[2, 3, 0, 1]] if flip else quad


def looks_like_mrz(line: TextLine) -> bool:
    text = line.text
    if len(text) < 20 or line.confidence < 0.5:
        return False
    fillers = text.count("<")
    digits = sum(c.isdigit() for c in text)
    return fillers >= 2 or digits >= 0.3 * len(text)


def strip_for(bgr: np.ndarray, corners: np.ndarray, model: Model) -> np.ndarray:
    strip = crop_line(bgr, corners, out_h=model.height)
    if model.px_per_char is None:
        return strip
    width = min(strip.shape[1], model.px_per_char * MAX_LINE_CHARS)
    return cv2.resize(strip, (width, strip.shape[0]), interpolation=cv2.INTER_AREA)


def read_lines(bgr: np.ndarray, boxes: list[TextBox], flip: bool, model: Model) -> list[MrzLine]:
    corners = [reading_corners(b, flip) for b in boxes]
    strips = [strip_for(bgr, c, model) for c in corners]
    texts = recognise(strips, MRZ_ALPHABET, model=model)
    texts = [
        add_height_evidence(bgr, c, t) if looks_like_mrz(t) else t
        for c, t in zip(corners, texts, strict=True)
    ]
    return [MrzLine(b, c, t) for b, c, t in zip(boxes, corners, texts, strict=True)]


def long_boxes(boxes: list[TextBox]) -> list[TextBox]:
    long = [b for b in boxes if b.length >= MIN_ASPECT * b.thickness]
    return sorted(long, key=lambda b: -b.length)[:MAX_CANDIDATES]


def geometric_groups(boxes: list[TextBox]) -> list[tuple[int, ...]]:
    """Index sets of 2-3 parallel, similar-length, stacked boxes; longest first."""
    shapes = [MrzLine(b, reading_corners(b), TextLine(())) for b in boxes]
    found = [
        combo
        for size in (3, 2)
        for combo in itertools.combinations(range(len(boxes)), size)
        if stacked(tuple(shapes[i] for i in combo))
    ]
    return sorted(found, key=lambda c: -sum(boxes[i].length for i in c) / len(c))


def in_reading_order(lines: list[MrzLine]) -> list[MrzLine]:
    u = lines[0].direction
    normal = np.array([-u[1], u[0]])
    return sorted(lines, key=lambda ln: float(ln.centre @ normal))


def stacked(lines: tuple[MrzLine, ...]) -> bool:
    first = lines[0]
    u = first.direction
    normal = np.array([-u[1], u[0]])
    for other in lines[1:]:
        if abs(float(u @ other.direction)) < np.cos(np.radians(6)):
            return False
        ratio = other.box.length / first.box.length
        if not 0.8 <= ratio <= 1.25:
            return False
        offset = other.centre - first.centre
        if abs(float(offset @ u)) > 0.15 * first.box.length:
            return False
    spread = np.ptp([float(ln.centre @ normal) for ln in lines])
    thickness = np.mean([ln.box.thickness for ln in lines])
    return spread <= 2.6 * thickness * (len(lines) - 1)


def cells(line: TextLine) -> list[Cell]:
    return [Cell(g.char, g.prob, g.alternatives, g.x) for g in line.glyphs]


def formats_for(group: list[MrzLine]) -> list[MrzFormat]:
    size = np.mean([len(ln.text.text) for ln in group])
    fits = [f for f in formats().values() if f.lines == len(group)]
    return sorted(fits, key=lambda f: abs(f.length - size))[:3]


def score(parsed: ParsedMrz) -> tuple[int, int]:
    return (int(parsed.valid), sum(parsed.checks.values()) - len(parsed.checks))


def best_reading(group: list[MrzLine]) -> MrzResult | None:
    best = None
    for order in itertools.permutations(group):
        for fmt in formats_for(list(order)):
            parsed = correct(fmt, [cells(ln.text) for ln in order])
            if parsed is None or not plausible(parsed, fmt):
                continue
            judge_reading(parsed, list(order))
            if best is None or score(parsed) > score(best[1]):
                best = (list(order), parsed)
    if best is None:
        return None
    order, parsed = best
    quad = np.array(
        [order[0].corners[0], order[0].corners[1], order[-1].corners[2], order[-1].corners[3]],
        np.float32,
    )
    return MrzResult(
        parsed.format,
        [ln.text.text for ln in order],
        parsed,
        quad,
        order[0].direction,
        float(np.mean([ln.text.confidence for ln in order])),
        order,
    )


def plausible(parsed: ParsedMrz, fmt: MrzFormat) -> bool:
    """The document code fits the format, a state code is real (and one that uses the
    format, when only some do), a check digit passes."""
    code = parsed.fields.get("document_code", "")
    if not any(code.startswith(c) for c in fmt.document_codes):
        return False
    if fmt.issuers and parsed.fields.get("issuing_state", "").rstrip("<") not in fmt.issuers:
        return False
    states = (parsed.fields.get("issuing_state", ""), parsed.fields.get("nationality", ""))
    if not any(is_icao_code(s.rstrip("<")) for s in states):
        return False
    return any(parsed.checks.values())


def judge_reading(parsed: ParsedMrz, lines: list[MrzLine]) -> None:
    """A reading that needed many class corrections, or with a poorly recognised line, is
    not trusted even when its check digits pass (the name line has none)."""
    weakest = min(ln.text.confidence for ln in lines)
    if parsed.coerced > MAX_COERCED or weakest < MIN_LINE_CONFIDENCE or parsed.unsure_text:
        parsed.checks["reading"] = False


def read_surely(result: MrzResult) -> bool:
    """Whether the fast reading needs no second opinion: no line short or long, every
    character outside the check digits' reach recognised surely among the characters its
    position allows, and of all the readings the unsure characters allow, only this one
    passes every check digit (one doubt a check digit settles; two, like O/0 twice, can
    cancel out)."""
    fmt = get_format(result.format)
    if any(len(ln.text.glyphs) != fmt.length for ln in result.order):
        return False
    kinds, checked = cell_kinds(fmt), checked_cells(fmt)
    doubts: list[tuple[int, int, list[str]]] = []
    for row, line in enumerate(result.order):
        for pos, glyph in enumerate(line.text.glyphs):
            allowed = allowed_chars(kinds[row][pos])
            if share_in_class(glyph, allowed) >= CERTAIN:
                continue
            if (row, pos) not in checked:
                return False
            read_as = result.lines[row][pos]
            rivals = options_for(Cell(glyph.char, glyph.prob, glyph.alternatives), allowed)
            doubts.append((row, pos, [read_as, *(c for c in rivals if c != read_as)]))
    if math.prod(len(options) for *_, options in doubts) > MAX_DOUBT_READINGS:
        return False
    passing = 0
    for picks in itertools.product(*(options for *_, options in doubts)):
        rows = [list(line) for line in result.lines]
        for (row, pos, _), char in zip(doubts, picks, strict=True):
            rows[row][pos] = char
        parsed = parse(["".join(r) for r in rows], fmt.name)
        passing += parsed is not None and parsed.valid
    return passing == 1


def checked_cells(fmt: MrzFormat) -> set[tuple[int, int]]:
    """Positions some check digit covers (the check digits included)."""
    cells = {(f.line, p) for f in fmt.fields if f.check is not None for p in range(f.start, f.end)}
    cells |= {(f.line, f.check) for f in fmt.fields if f.check is not None}
    if fmt.composite is not None:
        cells |= {(ln, p) for ln, a, b in fmt.composite.over for p in range(a, b)}
        cells.add(fmt.composite.at)
    return cells


def share_in_class(glyph: Glyph, allowed: frozenset[str]) -> float:
    """The probability of the likeliest allowed character, among the allowed ones."""
    probs = [p for c, p in ((glyph.char, glyph.prob), *glyph.alternatives) if c in allowed]
    if not probs:
        return 0.0
    rest = max(0.0, 1.0 - glyph.prob - sum(p for _, p in glyph.alternatives))
    return max(probs) / (sum(probs) + rest)


class LineReader:
    """Recognises boxes on demand, each orientation with each model at most once."""

    def __init__(self, bgr: np.ndarray, boxes: list[TextBox]) -> None:
        self.bgr, self.boxes = bgr, boxes
        self.cache: dict[tuple[int, bool, Model], MrzLine] = {}

    def lines(self, indices: tuple[int, ...], flip: bool, model: Model) -> list[MrzLine]:
        todo = [i for i in indices if (i, flip, model) not in self.cache]
        if todo:
            read = read_lines(self.bgr, [self.boxes[i] for i in todo], flip, model)
            for i, line in zip(todo, read, strict=True):
                self.cache[(i, flip, model)] = line
        return [self.cache[(i, flip, model)] for i in indices]


def plain_text(reader: LineReader, indices: tuple[int, ...]) -> bool:
    """Whether the fast general recogniser reads these lines fluently one way up, and none
    of them like an MRZ line (a heading, an address): the finer one need not read them."""
    for flip in (False, True):
        lines = reader.lines(indices, flip, TINY_RECOGNISER)
        if any(looks_like_mrz(ln.text) for ln in lines):
            return False
        if min(ln.text.confidence for ln in lines) >= UPRIGHT_TEXT:
            return True
    return False


def read_group(reader: LineReader, indices: tuple[int, ...]) -> MrzResult | None:
    """Read a group of lines: first with the OCR-B line recogniser (fast); when that gives no
    valid MRZ either way up, with the general recogniser in the orientation where the lines
    look like an MRZ, unless the fast one reads them as plain text."""
    for flip in (False, True):
        lines = reader.lines(indices, flip, MRZ_RECOGNISER)
        if all(looks_like_mrz(ln.text) for ln in lines):
            result = best_reading(in_reading_order(lines))
            if result is not None and result.valid and read_surely(result):
                return result
    if plain_text(reader, indices):
        return None
    for flip in (False, True):
        lines = reader.lines(indices, flip, RECOGNISER)
        if not all(looks_like_mrz(ln.text) for ln in lines):
            if min(ln.text.confidence for ln in lines) >= UPRIGHT_TEXT:
                return None  # text read fluently this way up, and it is not an MRZ
            continue
        return best_reading(in_reading_order(lines))
    return None


def read_mrz(bgr: np.ndarray, text_boxes: list[TextBox] | None = None) -> MrzResult | None:
    """The best MRZ in the image, or None when there is none; ``text_boxes`` are the image's
    text lines from the fast detector when already found (at DETECT_SIDE). When they hold
    MRZ-like lines that give no valid MRZ, the finer detector looks again."""
    if text_boxes is None:
        text_boxes = detect_text(bgr, DETECT_SIDE, TINY_DETECTOR)
    found, candidates = read_boxes(bgr, text_boxes)
    if (found is not None and found.valid) or not candidates:
        return found
    again, _ = read_boxes(bgr, detect_text(bgr, DETECT_SIDE, DETECTOR))
    results = [r for r in (found, again) if r is not None]
    return max(results, key=rank, default=None)


def read_boxes(bgr: np.ndarray, text_boxes: list[TextBox]) -> tuple[MrzResult | None, bool]:
    """The best MRZ among these text lines, and whether any of them looked like one (read as
    an MRZ, or holding '<<' as the general recogniser read it). Groups are tried longest
    first and the search stops at the first valid MRZ."""
    boxes = long_boxes(text_boxes)
    reader = LineReader(bgr, boxes)
    results = []
    for indices in geometric_groups(boxes)[:MAX_GROUPS]:
        result = read_group(reader, indices)
        if result is not None:
            results.append(result)
            if result.valid:
                return result, True
    # the OCR-B recogniser reads any gap as a filler: only the general one's fillers count
    fillers = any(
        "<<" in ln.text.text for (*_, model), ln in reader.cache.items() if model != MRZ_RECOGNISER
    )
    return max(results, key=rank, default=None), bool(results) or fillers


def rank(result: MrzResult) -> tuple:
    return (result.valid, score(result.parsed), len(result.lines), result.confidence)
