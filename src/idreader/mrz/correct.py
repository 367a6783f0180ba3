"""Turn recognised MRZ text into the most likely MRZ that its check digits confirm.

Rules: a character is forced into the class its position allows (a letter where a digit
must stand becomes its lookalike digit). Beyond that, only characters the recogniser was
unsure of may change, only to what it proposed or their commonest lookalike, and a field is
only changed when exactly one such reading passes its check digit. A field whose check
passes while another plausible reading would pass too is not confirmed. Nothing else is
invented: an MRZ that cannot be confirmed stays invalid.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from idreader.countries import is_icao_code
from idreader.mrz.checkdigit import is_valid
from idreader.mrz.formats import MrzField, MrzFormat
from idreader.mrz.parse import FILLER, ParsedMrz, parse

MAX_CHANGES = 2  # per field and its check digit
CERTAIN = 0.95  # a character recognised at least this surely is never changed
MIN_ALTERNATIVE = 0.05  # recogniser probability for an alternative to be tried
RIVAL = 0.25  # a passing alternative this likely (vs. the reading) makes a pass ambiguous
CLEAR_WIN = 4.0  # a repair must be this many times likelier than the next one
UNSURE_RIVAL = 0.1  # a letter with a rival this likely, in a field without check digit
MIN_CODE_ALTERNATIVE = 0.01  # a state code's alternatives: the code list is the check
SKIP_GAP = 1.6  # glyph centres this many pitches apart have lost a character between them
DIGITS, LETTERS = set("0123456789"), set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@cache
def confusions() -> dict:
    return yaml.safe_load(files("idreader").joinpath("data/mrz_confusions.yaml").read_text())


@dataclass
class Cell:
    """One MRZ position: the character read, and other candidates with their probabilities."""

    char: str
    prob: float = 1.0
    others: tuple[tuple[str, float], ...] = ()
    x: float | None = None  # centre along the line (any unit), when the recogniser gave it


def fit_length(cells: list[Cell], length: int) -> list[Cell]:
    """Bring a line to its format's length. The MRZ is monospaced: where the spacing of the
    glyphs shows a skipped character, a filler goes there; otherwise fillers are dropped
    from or added to the longest filler run (where OCR merges or splits them)."""
    cells = list(cells)
    while len(cells) < length and (gap := _skipped_at(cells)) is not None:
        middle = (cells[gap - 1].x + cells[gap].x) / 2  # type: ignore[operator]
        cells.insert(gap, Cell(FILLER, 0.5, (), middle))
    while len(cells) != length:
        start, run = _longest_filler_run(cells)
        if len(cells) > length:
            del cells[(start + run - 1) if run else len(cells) - 1]
        else:
            cells.insert(start + run if run else len(cells), Cell(FILLER, 0.5))
    return cells


def _skipped_at(cells: list[Cell]) -> int | None:
    """Index before which a character is missing: the widest gap between glyph centres, when
    it is at least SKIP_GAP pitches wide."""
    xs = [c.x for c in cells]
    if len(xs) < 8 or any(x is None for x in xs):
        return None
    gaps = [b - a for a, b in itertools.pairwise(xs)]  # type: ignore[operator]
    pitch = sorted(gaps)[len(gaps) // 2]
    widest = max(range(len(gaps)), key=gaps.__getitem__)
    return widest + 1 if pitch > 0 and gaps[widest] >= SKIP_GAP * pitch else None


def _longest_filler_run(cells: list[Cell]) -> tuple[int, int]:
    best, start = (len(cells), 0), None
    for i, c in enumerate([*cells, Cell("x")]):
        if c.char == FILLER and start is None:
            start = i
        elif c.char != FILLER and start is not None:
            if i - start > best[1]:
                best = (start, i - start)
            start = None
    return best


def coerce(cell: Cell, allowed: frozenset[str]) -> Cell:
    """Keep the character if its class allows it, else the best allowed lookalike."""
    if cell.char in allowed:
        return cell
    table = confusions()
    options = [(c, p) for c, p in cell.others if c in allowed]
    mapped = table["to_digit"].get(cell.char) or table["to_letter"].get(cell.char)
    if cell.char in table["filler_lookalikes"] and FILLER in allowed:
        options.append((FILLER, 0.0))
    if mapped in allowed:
        options.append((mapped, 0.0))
    if not options:
        return Cell(cell.char, 0.0, cell.others)
    char, _ = max(options, key=lambda o: o[1])
    # a lookalike forced by the position's class is as good as the reading it replaces
    return Cell(char, cell.prob, cell.others)


ALLOWED = {
    "digits": frozenset(DIGITS),
    "code": frozenset(LETTERS | {FILLER}),
    "name": frozenset(LETTERS | {FILLER}),
    "sex": frozenset({"M", "F", "X", FILLER}),
    "alnum": frozenset(DIGITS | LETTERS | {FILLER}),
    "check": frozenset(DIGITS | {FILLER}),
}


def allowed_chars(kind: str) -> frozenset[str]:
    return ALLOWED[kind]


def cell_kinds(fmt: MrzFormat) -> list[list[str]]:
    kinds = [["alnum"] * fmt.length for _ in range(fmt.lines)]
    for f in fmt.fields:
        for pos in range(f.start, f.end):
            kinds[f.line][pos] = f.kind
        if f.check is not None:
            kinds[f.line][f.check] = "check"
    if fmt.composite is not None:
        line, pos = fmt.composite.at
        kinds[line][pos] = "check"
    return kinds


def correct(fmt: MrzFormat, rows: list[list[Cell]]) -> ParsedMrz | None:
    """Lines of cells (any length) -> the parsed, corrected MRZ for this format."""
    if len(rows) != fmt.lines:
        return None
    kinds = cell_kinds(fmt)
    fitted = [fit_length(row, fmt.length) for row in rows]
    grid = [
        [coerce(c, allowed_chars(k)) for c, k in zip(row, ks, strict=True)]
        for row, ks in zip(fitted, kinds, strict=True)
    ]
    coerced = sum(
        a.char != b.char
        for ra, rb in zip(fitted, grid, strict=True)
        for a, b in zip(ra, rb, strict=True)
    )
    clean_name_fillers(fmt, grid)
    for f in fmt.fields:
        if f.kind == "code":
            settle_code(f, grid)
    unconfirmed = [f.key for f in fmt.fields if f.check is not None and not settle_field(f, grid)]
    lines = ["".join(c.char for c in row) for row in grid]
    parsed = parse(lines, fmt.name)
    if parsed is not None:
        parsed.coerced = coerced
        parsed.unsure_text = unsure_text(fmt, grid)
        for key in unconfirmed:
            if key in parsed.checks:
                parsed.checks[key] = False
    return parsed


def unsure_text(fmt: MrzFormat, grid: list[list[Cell]]) -> int:
    """Letters in fields without a check digit (names, codes, sex) where the recogniser
    hesitated between two characters the field allows: nothing can confirm them, so the MRZ
    is not trusted with any. (Doubt between a letter and a digit does not count: the field's
    class settles it.)"""
    count = 0
    for f in fmt.fields:
        if f.kind in {"name", "code", "sex"}:
            allowed = allowed_chars(f.kind)
            for c in grid[f.line][f.start : f.end]:
                rival = max(
                    (p for ch, p in c.others if ch in allowed and ch != c.char), default=0.0
                )
                count += c.char != FILLER and rival >= UNSURE_RIVAL
    return count


def clean_name_fillers(fmt: MrzFormat, grid: list[list[Cell]]) -> None:
    """Name fields end in fillers. Letters that a '<' is often misread as, standing in that
    tail (after a run of three fillers) in pieces of one or two, are misread fillers; so is
    an unsure letter between two fillers that the recogniser thought might be a '<'."""
    lookalikes = set(confusions()["filler_lookalikes"])
    for f in fmt.fields:
        if f.kind != "name":
            continue
        row = grid[f.line]
        text = "".join(c.char for c in row[f.start : f.end])
        tail = text.find("<<<")
        if tail >= 0:
            for i in range(f.start + tail, f.end):
                piece = _piece_at(row, i, f.start, f.end)
                if row[i].char != FILLER and len(piece) <= 2 and set(piece) <= lookalikes:
                    row[i] = Cell(FILLER, row[i].prob * 0.5, row[i].others)
        for i in range(f.start + 1, f.end - 1):
            c = row[i]
            maybe_filler = any(ch == FILLER and p >= 0.1 for ch, p in c.others)
            between = row[i - 1].char == FILLER and row[i + 1].char == FILLER
            if c.char != FILLER and c.prob < 0.8 and maybe_filler and between:
                row[i] = Cell(FILLER, c.prob, c.others)


def _piece_at(row: list[Cell], i: int, start: int, end: int) -> str:
    """The run of non-filler characters containing position i."""
    a = i
    while a > start and row[a - 1].char != FILLER:
        a -= 1
    b = i
    while b < end and row[b].char != FILLER:
        b += 1
    return "".join(c.char for c in row[a:b])


def options_for(cell: Cell, allowed: frozenset[str]) -> dict[str, float]:
    """Characters this cell might really be, with their probability: only when the
    recogniser was unsure, only those it proposed or the commonest lookalike, only of the
    allowed class."""
    if cell.prob >= CERTAIN:
        return {}
    opts = {c: p for c, p in cell.others if c in allowed and p >= MIN_ALTERNATIVE}
    for pair in confusions()["strong_pairs"]:
        if cell.char in pair:
            other = pair.replace(cell.char, "", 1)
            if other in allowed:
                opts.setdefault(other, MIN_ALTERNATIVE)
    opts.pop(cell.char, None)
    return opts


def variants(cells: list[Cell], options: list[dict[str, float]]) -> list[tuple[float, str]]:
    """(likelihood against the reading as read, text) for every string that differs in
    1..MAX_CHANGES positions by an option."""
    text = [c.char for c in cells]
    out = []
    changeable = [i for i, o in enumerate(options) if o]
    for n in range(1, MAX_CHANGES + 1):
        for changed in itertools.combinations(changeable, n):
            for picks in itertools.product(*(options[i].items() for i in changed)):
                chars, ratio = list(text), 1.0
                for i, (char, prob) in zip(changed, picks, strict=True):
                    chars[i] = char
                    ratio *= prob / max(cells[i].prob, 0.01)
                out.append((ratio, "".join(chars)))
    return out


def field_ok(key: str, text: str) -> bool:
    """Check digit passes and, for dates, the date exists."""
    value, digit = text[:-1], text[-1]
    if key in {"birth_date", "expiry_date"} and not valid_yymmdd(value):
        return False
    return is_valid(value, digit)


def valid_yymmdd(text: str) -> bool:
    if not text.isdigit():
        return False
    month, day = int(text[2:4]), int(text[4:6])
    return 1 <= month <= 12 and 1 <= day <= 31


def settle_field(f: MrzField, grid: list[list[Cell]]) -> bool:
    """Confirm, repair or give up on one check-digit field. Returns False when the reading
    cannot be confirmed: the check fails and no repair clearly explains it, or it passes but
    another well-supported reading passes too (then a pass would be luck, not evidence)."""
    row = grid[f.line]
    positions = [*range(f.start, f.end), f.check]
    cells = [row[p] for p in positions]
    text = "".join(c.char for c in cells)
    if set(text[:-1]) == {FILLER}:
        return True
    kinds = [f.kind] * (f.end - f.start) + ["check"]
    options = [options_for(c, allowed_chars(k)) for c, k in zip(cells, kinds, strict=True)]
    passing = sorted((v for v in variants(cells, options) if field_ok(f.key, v[1])), reverse=True)
    if field_ok(f.key, text):
        return not passing or passing[0][0] < RIVAL
    if not passing or (len(passing) > 1 and passing[1][0] * CLEAR_WIN > passing[0][0]):
        return False
    for p, char in zip(positions, passing[0][1], strict=True):
        if row[p].char != char:
            row[p] = Cell(char, 0.5, row[p].others)
    return True


def settle_code(f: MrzField, grid: list[list[Cell]]) -> None:
    """A state code that is no real code is repaired when exactly one of the recogniser's
    alternatives, in one position it was unsure of, makes it one (the list of codes is its
    check digit)."""
    row = grid[f.line]
    text = "".join(c.char for c in row[f.start : f.end])
    if is_icao_code(text.rstrip(FILLER)):
        return
    fixes = {
        (pos, char)
        for pos in range(f.start, f.end)
        if row[pos].prob < CERTAIN
        for char, p in row[pos].others
        if char in LETTERS
        and p >= MIN_CODE_ALTERNATIVE
        and is_icao_code((text[: pos - f.start] + char + text[pos - f.start + 1 :]).rstrip(FILLER))
    }
    if len(fixes) == 1:
        pos, char = fixes.pop()
        row[pos] = Cell(char, 0.5, row[pos].others)
