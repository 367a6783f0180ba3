"""Write an MRZ from field values (used by the generator and in tests)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files

import yaml

from idreader.mrz.checkdigit import check_digit
from idreader.mrz.formats import MrzFormat, get_format

FILLER = "<"


@cache
def _multi_letter() -> dict[str, str]:
    text = files("idreader").joinpath("data/mrz_transliteration.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def to_mrz_chars(value: str) -> str:
    """Upper-case, transliterate, '<' for separators, only A-Z 0-9 < kept."""
    out = []
    for ch in value.upper():
        ch = _multi_letter().get(ch, ch)
        ch = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii())
        out.append(ch)
    text = re.sub(r"[\s\-]+", FILLER, "".join(out))
    return re.sub(r"[^A-Z0-9<]", "", text)


def fit(text: str, length: int) -> str:
    return text[:length].ljust(length, FILLER)


def names_field(surname: str, given_names: str, length: int) -> str:
    """``SURNAME<<GIVEN<NAMES``; given names are cut first when too long (ICAO truncation)."""
    primary, secondary = to_mrz_chars(surname), to_mrz_chars(given_names)
    text = f"{primary}<<{secondary}" if secondary else primary
    return fit(text, length)


def compose(format_name: str, values: dict[str, str]) -> list[str]:
    """MRZ lines for ``values`` keyed like the format's fields (``surname`` and
    ``given_names`` fill ``names``; dates as YYMMDD)."""
    fmt = get_format(format_name)
    lines = [[FILLER] * fmt.length for _ in range(fmt.lines)]
    for field in fmt.fields:
        width = field.end - field.start
        if field.key == "names":
            text = names_field(values.get("surname", ""), values.get("given_names", ""), width)
        elif field.kind == "name":
            text = fit(to_mrz_chars(values.get(field.key, "")).replace(" ", FILLER), width)
        else:
            text = fit(to_mrz_chars(values.get(field.key, "")), width)
        lines[field.line][field.start : field.end] = text
        if field.check is not None:
            empty = set(text) == {FILLER} and field.kind == "alnum"
            lines[field.line][field.check] = FILLER if empty else check_digit(text)
    _write_composite(fmt, lines)
    return ["".join(line) for line in lines]


def _write_composite(fmt: MrzFormat, lines: list[list[str]]) -> None:
    if fmt.composite is None:
        return
    joined = "".join("".join(lines[ln][a:b]) for ln, a, b in fmt.composite.over)
    line, pos = fmt.composite.at
    lines[line][pos] = check_digit(joined)
