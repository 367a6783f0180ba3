"""Extract stage: printed fields from the visual zone's text lines, by the catalogue's layout
(relative boxes), by labels (multilingual dictionary) and by the MRZ's values found in print;
each normalised and validated from its format."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from idreader.catalogue import DocumentSpec, FieldSpec
from idreader.fields import find_labels, lcid_for, normalise_value, parse_date, values_agree
from idreader.fields.normalise import COUNTRY_CODE_FIELDS, NAME_FIELDS, date_kind
from idreader.fields.text import plain
from idreader.pipeline.types import ERROR, NOT_DONE, OK, FieldReading
from idreader.pipeline.visual import TextItem

BOX_MARGIN = 0.01  # share of the page a value may stray outside its catalogue box
BELOW_REACH = 2.6  # label heights below a label where its value may start
RIGHT_GAP = 4.0  # label heights: a value this close right of its label is on its line
RIGHT_REACH = 0.35  # share of the page width right of a label where its value may start
SEPARATORS = re.compile(r"^[\s:/|.,)-]+|[\s:/|,(-]+$")
PLACE_DATES = {"Place of Birth": "Date of Birth", "Place of Issue": "Date of Issue"}
TRAILING_DATE = re.compile(
    r"(?P<place>.*?[^\W\d_].*?)[\s,]+(?P<date>\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4}"
    r"|\d{1,2} [^\W\d_]{3,}\.? \d{2,4})$"
)
MAX_STRAY = 2  # characters a patterned value may carry about it: a neighbour's, an edge's
IMAGE_FIELDS = frozenset({"Signature"})  # its label finds the area to crop, not text to read
MRZ_GUIDED = ("Surname", "Given Names", "Document Number", "Date of Birth", "Date of Expiry")


@dataclass(frozen=True)
class Found:
    name: str
    text: str  # as printed
    spec: FieldSpec | None = None
    lines: tuple[int, ...] = ()  # the visual zone's lines it was read from


def extract_fields(
    items: Sequence[TextItem],
    spec: DocumentSpec | None,
    country: str | None,
    mrz_fields: Sequence[FieldReading],
    today: dt.date,
    *,
    layout: bool = True,
) -> list[FieldReading]:
    """Visual-zone readings of every field found, at most one per field name. ``layout``:
    whether the page is the document, so that the catalogue's boxes apply."""
    hint, languages, order = _context(spec, country)
    found: dict[str, FieldReading] = {}
    for f in candidates(items, spec, country, mrz_fields, layout=layout):
        if f.name not in found and f.name not in IMAGE_FIELDS:  # its first plausible reading
            field = reading(f, order, languages, hint, today)
            if plausible(field):
                found[f.name] = field
    return list(found.values())


def value_lines(
    items: Sequence[TextItem],
    spec: DocumentSpec | None,
    country: str | None,
    mrz_fields: Sequence[FieldReading],
    *,
    layout: bool = True,
) -> set[int]:
    """The visual zone's lines some field's value may be read from."""
    found = candidates(items, spec, country, mrz_fields, layout=layout)
    return {line for f in found if f.name not in IMAGE_FIELDS for line in f.lines}


def candidates(
    items: Sequence[TextItem],
    spec: DocumentSpec | None,
    country: str | None,
    mrz_fields: Sequence[FieldReading],
    *,
    layout: bool,
) -> list[Found]:
    """Every reading a field may take, the most trusted way first: by the catalogue's
    layout, by label, by the MRZ's values."""
    hint, languages, order = _context(spec, country)
    wanted = {f.name for f in spec.fields} if spec and spec.fields else None
    return [
        *by_layout(items, spec if layout else None, hint),
        *(f for f in with_dates(by_label(items, hint, languages))
          if wanted is None or f.name in wanted),
        *by_mrz(items, mrz_fields, order, languages),
    ]  # fmt: skip


def _context(spec: DocumentSpec | None, country: str | None) -> tuple[str | None, tuple, str]:
    """The country hint, languages and date order a document's fields are read with."""
    hint = (spec.country if spec and spec.country else country) or None
    return hint, tuple(spec.languages) if spec else (), spec.date_order if spec else "DMY"


def with_dates(found: Iterable[Found]) -> Iterable[Found]:
    """A place printed with its date under one label ("Tempat/Tgl Lahir: MALANG, 11-06-1969"),
    split into the place and the date."""
    for f in found:
        split = TRAILING_DATE.match(f.text) if f.name in PLACE_DATES else None
        if split:
            yield Found(f.name, split["place"], f.spec, f.lines)
            yield Found(PLACE_DATES[f.name], split["date"], lines=f.lines)
        else:
            yield f


def plausible(field: FieldReading) -> bool:
    """Whether a reading can be of its field at all (a date field holding a date, a sex
    field a sex, a name no digits): else the text belongs to something else."""
    if date_kind(field.name) is not None:
        digits = len(re.findall(r"\d", field.original_value))
        return digits >= 4 or field.value != field.original_value
    if field.name == "Sex":
        return field.validity != ERROR
    if field.name in COUNTRY_CODE_FIELDS:
        return bool(re.fullmatch(r"[A-Z0-9<]{1,3}", field.value))
    if field.name in NAME_FIELDS:
        return not re.search(r"\d", field.value)
    if field.name.endswith("Number"):
        return bool(re.search(r"\d", field.value))
    return True


def reading(
    f: Found, order: str, languages: Sequence[str], country: str | None, today: dt.date
) -> FieldReading:
    pattern = f.spec.pattern if f.spec else None
    scheme = f.spec.scheme if f.spec else None

    def normalise(text: str) -> tuple[str, int]:
        return normalise_value(
            f.name, text, order=order, languages=languages, country=country, today=today,
            scheme=scheme, pattern=pattern,
        )  # fmt: skip

    text = f.text
    part = re.search(f.spec.part, text) if f.spec and f.spec.part else None
    printed = part.group(0) if part else text  # the value's own print
    value, validity = normalise(printed)
    if date_kind(f.name) is not None and validity == ERROR:
        # stray words of a label or a neighbour ("ON 26-05-2025", "04/11/2027 04"): the
        # longest run of words that is a date, the earliest of equal length
        words = text.split()
        for size in range(len(words) - 1, 0, -1):
            runs = (" ".join(words[k : k + size]) for k in range(len(words) - size + 1))
            read = ((r, *normalise(r)) for r in runs)
            found = next((run for run in read if run[2] != ERROR), None)
            if found:
                text = printed = found[0]
                value, validity = found[1], found[2]
                break
    if pattern and validity != OK and not re.fullmatch(pattern, printed):
        inner = pattern_within(pattern, printed)  # a neighbour's or an edge's stray marks
        if inner:
            text = printed = inner
            value, validity = normalise(printed)
    if pattern and validity == NOT_DONE:  # the catalogue knows the printed form
        validity = OK if re.fullmatch(pattern, printed) else ERROR
    return FieldReading(f.name, text, value, validity, "visual", lcid_for(text, country))


def pattern_within(pattern: str, text: str) -> str | None:
    """The one part of ``text`` printed in the catalogue's form once at most MAX_STRAY
    characters are cut from its ends ("G2387024G" for a letter and seven digits)."""
    n = len(text)
    cuts = ((a, b) for a in range(MAX_STRAY + 1) for b in range(MAX_STRAY + 1 - a) if a + b)
    parts = {text[a : n - b].strip() for a, b in cuts if a + b < n}
    hits = [p for p in parts if p and re.fullmatch(pattern, p)]
    return hits[0] if len(hits) == 1 else None


def by_layout(items: Sequence[TextItem], spec: DocumentSpec | None, country: str | None):
    """Fields whose catalogue box holds text: the text in the box, labels left out. A line
    that runs on into a neighbouring box gives each box its own characters."""
    if spec is None:
        return
    for field in spec.fields:
        if field.box is None:
            continue
        parts, lines = [], []
        for item in items:
            text = text_in(item, field.box)
            text = without_label(text, field, country, spec.languages) if text else ""
            if text:
                parts.append(text)
                lines.append(item.line)
        if parts:
            yield Found(field.name, " ".join(parts), field, tuple(lines))


def text_in(item: TextItem, box: tuple[float, float, float, float]) -> str:
    x0, y0, x1, y1 = box
    m = BOX_MARGIN
    if not y0 - m <= item.centre[1] <= y1 + m or item.box[2] < x0 or item.box[0] > x1:
        return ""
    if item.box[0] >= x0 - m and item.box[2] <= x1 + m:
        return item.text
    return item.part(x0 - m, x1 + m)


def without_label(text: str, field: FieldSpec, country: str | None, languages) -> str:
    """The text with its leading labels cut off ('' when it is only labels): the field's
    own catalogue labels (bilingual ones one after the other), else the dictionary's."""
    text = strip_separators(text)
    while text:
        rest = after_label(text, field, country, languages)
        if rest == text:
            return text
        text = rest
    return ""


def after_label(text: str, field: FieldSpec, country: str | None, languages) -> str:
    words = text.split()
    for label in field.labels:
        for k in range(1, len(words) + 1):
            if _same_words(" ".join(words[:k]), label):
                return strip_separators(" ".join(words[k:]))
    matches = find_labels(text, country=country, languages=languages)
    if matches and matches[0].start == 0:
        return strip_separators(matches[0].value)
    return text


def strip_separators(text: str) -> str:
    """Without the colons, slashes and dashes that part a label from its value."""
    return SEPARATORS.sub("", text).strip()


def _same_words(a: str, b: str) -> bool:
    return re.sub(r"[^A-Z0-9]", "", plain(a)) == re.sub(r"[^A-Z0-9]", "", plain(b))


def by_label(items: Sequence[TextItem], country: str | None, languages: Sequence[str]):
    """Fields named by a printed label: the rest of the label's line, else the nearest
    text below the label, else the text right of it."""
    labels = {
        id(item): find_labels(strip_separators(item.text), country=country, languages=languages)
        for item in items
    }
    is_label = {k for k, m in labels.items() if m and m[0].start == 0 and not m[-1].value}
    values = [i for i in items if id(i) not in is_label]
    for item in items:
        for match in labels[id(item)]:
            if match.start > 0:
                continue
            if strip_separators(match.value):
                yield Found(match.field, strip_separators(match.value), lines=(item.line,))
                continue
            value = value_near(item, values)
            if value is not None and strip_separators(value.text):
                yield Found(match.field, strip_separators(value.text), lines=(value.line,))


def value_near(label: TextItem, candidates: Iterable[TextItem]) -> TextItem | None:
    """The value of a label printed alone: right after it on its line, else below it."""
    x0, y0, x1, y1 = label.box
    h = max(y1 - y0, 1e-3)
    right = [
        c for c in candidates
        if abs(c.centre[1] - label.centre[1]) < 0.6 * h and 0 <= c.box[0] - x1 <= RIGHT_REACH
    ]  # fmt: skip
    if right and (nearest := min(right, key=lambda c: c.box[0])).box[0] - x1 <= RIGHT_GAP * h:
        return nearest
    below = [
        c for c in candidates
        if y1 - 0.3 * h <= c.box[1] <= y1 + BELOW_REACH * h
        and c.box[0] < x1 and c.box[2] > x0 - 0.02 and abs(c.box[0] - x0) < 0.15
    ]  # fmt: skip
    if below:
        return min(below, key=lambda c: (c.box[1], abs(c.box[0] - x0)))
    return min(right, key=lambda c: c.box[0]) if right else None


def by_mrz(
    items: Sequence[TextItem], mrz: Sequence[FieldReading], order: str, languages: Sequence[str]
):
    """The MRZ's names, number and dates where the visual zone prints them."""
    for field in mrz:
        if field.name not in MRZ_GUIDED or not field.value:
            continue
        for item in items:
            if printed_as(field, item.text, order, languages):
                yield Found(field.name, item.text, lines=(item.line,))
                break


def printed_as(field: FieldReading, text: str, order: str, languages: Sequence[str]) -> bool:
    kind = date_kind(field.name)
    if kind is not None:
        day = parse_date(text, order=order, languages=languages, kind=kind)
        return day is not None and day.isoformat() == field.value
    if field.name in NAME_FIELDS and len(field.value) < 2:
        return False
    if field.name not in NAME_FIELDS and len(re.sub(r"\W", "", text)) < 5:
        return False
    return values_agree(field.name, text, field.value) and (
        field.name not in NAME_FIELDS or len(plain(text)) <= len(field.value) + 2
    )
