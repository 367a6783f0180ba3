"""Readings of one field from several sources (MRZ, barcode, visual zone) against each other:
a field whose readings disagree is not valid."""

from __future__ import annotations

import re
from dataclasses import replace

from idreader.fields.normalise import NAME_FIELDS, date_kind
from idreader.fields.text import plain
from idreader.mrz.compose import to_mrz_chars
from idreader.pipeline.types import ERROR, OK, FieldReading

_NUMBER_FIELDS = frozenset({"Document Number", "Personal Number", "Optional Data"})
TRUSTED = ("mrz", "barcode")  # sources other readings are checked against, most trusted first


def _letters(text: str) -> str:
    return re.sub(r"[^A-Z]", "", text)


def values_agree(field_name: str, visual: str, mrz: str) -> bool:
    """Whether a visual ``value`` and the MRZ's ``value`` of a field say the same.

    Names compare as MRZ letters (Ä as AE or A, Ñ as N; the MRZ may be cut short);
    numbers compare without separators (the MRZ's optional data may hold more);
    dates compare as YYYY-MM-DD; anything else compares upper case without spaces.
    """
    if field_name in NAME_FIELDS:
        mrz_name = _letters(mrz.upper())
        if not mrz_name:
            return not _letters(plain(visual))
        spellings = {_letters(to_mrz_chars(visual)), _letters(plain(visual))}
        return any(s == mrz_name or (len(mrz_name) >= 3 and s.startswith(mrz_name))
                   for s in spellings)  # fmt: skip
    if field_name in _NUMBER_FIELDS:
        v, m = (re.sub(r"[^A-Z0-9]", "", s.upper()) for s in (visual, mrz))
        return v == m or bool(v and m and (v in m or m in v) and min(len(v), len(m)) >= 6)
    if date_kind(field_name) is not None:
        return visual == mrz
    return re.sub(r"\s+", "", visual.upper()) == re.sub(r"\s+", "", mrz.upper())


def comparable(field_name: str) -> bool:
    """Whether two sources' values of this field can be compared (names, numbers, dates and
    sex; a height or an address is written too differently from source to source)."""
    return (
        field_name in NAME_FIELDS
        or field_name in _NUMBER_FIELDS
        or date_kind(field_name) is not None
        or field_name == "Sex"
    )


def cross_check(fields: list[FieldReading]) -> list[FieldReading]:
    """``fields`` with validity 0 where a reading disagrees with the field's most trusted
    one (the MRZ's, else the barcode's): the less trusted reading always, the trusted one
    too unless a check digit passed it."""
    reference: dict[str, FieldReading] = {}
    for source in reversed(TRUSTED):
        reference |= {f.name: f for f in fields if f.source == source}
    out: list[FieldReading] = []
    clash: set[str] = set()
    for f in fields:
        other = reference.get(f.name)
        if (
            other is not None
            and TRUSTED.index(other.source) < _trust(f.source)
            and (other.source == "mrz" or comparable(f.name))
            and not values_agree(f.name, f.value, other.value)
        ):
            out.append(replace(f, validity=ERROR))
            clash.add(f.name)
        else:
            out.append(f)
    return [
        replace(f, validity=ERROR)
        if f is reference.get(f.name) and f.name in clash and f.validity != OK
        else f
        for f in out
    ]


def _trust(source: str) -> int:
    return TRUSTED.index(source) if source in TRUSTED else len(TRUSTED)
