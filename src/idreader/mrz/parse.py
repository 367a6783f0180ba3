"""Split MRZ lines into fields and judge their check digits (ICAO 9303 and FRID)."""

from __future__ import annotations

from dataclasses import dataclass, field

from idreader.mrz.checkdigit import is_valid
from idreader.mrz.formats import MrzFormat, formats

FILLER = "<"


@dataclass
class ParsedMrz:
    format: str
    lines: list[str]
    fields: dict[str, str]  # key -> raw text (fillers kept)
    checks: dict[str, bool] = field(default_factory=dict)  # key|"composite" -> check passes
    coerced: int = 0  # characters forced into their position's class while correcting
    unsure_text: int = 0  # unsure letters in fields that have no check digit

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(self.checks.values())


def guess_format(lines: list[str]) -> MrzFormat | None:
    """The format whose line count and length fit, told apart by the document code."""
    if not lines:
        return None
    count, length = len(lines), len(lines[0])
    fits = [f for f in formats().values() if f.lines == count and f.length == length]
    first = lines[0]
    for fmt in fits:
        if fmt.name == "FRID" and first.startswith("IDFRA"):
            return fmt
    for fmt in fits:
        if fmt.name != "FRID" and first[:1] in {c[0] for c in fmt.document_codes}:
            return fmt
    generic = [f for f in fits if f.name not in {"FRID", "MRVA", "MRVB"}]
    return generic[0] if generic else (fits[0] if fits else None)


def parse(lines: list[str], format_name: str | None = None) -> ParsedMrz | None:
    fmt = formats()[format_name] if format_name else guess_format(lines)
    if fmt is None or len(lines) != fmt.lines or any(len(ln) != fmt.length for ln in lines):
        return None
    parsed = ParsedMrz(fmt.name, list(lines), {})
    for f in fmt.fields:
        text = lines[f.line][f.start : f.end]
        parsed.fields[f.key] = text
        if f.check is not None:
            digit = lines[f.line][f.check]
            if f.key == "optional_data" and digit == FILLER:
                continue  # a '<' check digit: optional data some states leave unchecked
            optional_empty = f.kind == "alnum" and set(text) == {FILLER} and digit in "<0"
            parsed.checks[f.key] = optional_empty or is_valid(text, digit)
    if fmt.name == "TD1" and lines[0][14] == FILLER:
        _long_td1_number(parsed)
    if fmt.composite is not None:
        joined = "".join(lines[ln][a:b] for ln, a, b in fmt.composite.over)
        line, pos = fmt.composite.at
        parsed.checks["composite"] = is_valid(joined, lines[line][pos])
    return parsed


def _long_td1_number(parsed: ParsedMrz) -> None:
    """TD1 numbers over 9 characters go on in the optional data, ending in their check
    digit (ICAO 9303-5, 4.2.2 note j)."""
    rest = parsed.fields["optional_data"].split(FILLER, 1)[0]
    if len(rest) < 2:
        return
    number = parsed.fields["document_number"] + rest[:-1]
    parsed.fields["document_number"] = number
    parsed.fields["optional_data"] = parsed.fields["optional_data"][len(rest) :]
    parsed.checks["document_number"] = is_valid(number, rest[-1])


def names_of(parsed: ParsedMrz) -> tuple[str, str]:
    """(surname, given names) with fillers turned into spaces."""
    if "names" in parsed.fields:
        primary, _, secondary = parsed.fields["names"].partition("<<")
    else:
        primary, secondary = parsed.fields.get("surname", ""), parsed.fields.get("given_names", "")
    return _words(primary), _words(secondary)


def _words(text: str) -> str:
    return " ".join(w for w in text.split(FILLER) if w)
