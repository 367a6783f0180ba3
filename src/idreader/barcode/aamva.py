"""AAMVA DL/ID PDF417 payloads (Card Design Standard 2000-2020, versions 01-10) read into field
readings. What each element means is data (``data/aamva_elements.yaml``), so are the issuers
(``data/aamva_jurisdictions.yaml``).

Payload: ``@`` + data element separator (LF) + record separator (RS) + segment terminator
(CR), file type ``ANSI `` (``AAMVA`` on some old cards), 6-digit IIN, 2-digit AAMVA version,
a 2-digit jurisdiction version (version 02 on), the number of entries, then per entry a
subfile type (DL, ID, Z?) with a 4-digit offset and length. Each subfile is its type followed
by elements, one a line: a 3-letter id and its value. Real cards are sloppy, so offsets that
miss are searched for, separators are taken loosely, and nothing here raises on bad input.

Normalised values: dates ISO ``YYYY-MM-DD``; sex ``M``/``F``/``X``; heights ``69 in`` or
``175 cm`` and weights ``84 kg`` or ``185 lb`` (no leading zeros); US postal codes ``12345``
or ``12345-6789``, Canadian ones ``A1A 1A1``; flags ``Y``/``N``. ``original_value`` is always
the value as encoded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from idreader.countries import alpha3_to_alpha2, country_name
from idreader.pipeline.types import ERROR, NOT_DONE, FieldReading

_HEADER = re.compile(r"(?:ANSI ?|AAMVA)(\d{6})(\d{2})")
_DESIGNATOR = re.compile(r"([A-Z]{2})(\d{4})(\d{4})")
_ELEMENT_ID = re.compile(r"[A-Z]{3}")
_SEPARATORS = "\n\r\x1e"  # LF, CR and RS always end an element
_NEAR = 16  # how far (bytes) from its offset a subfile is looked for first
# zxing-cpp's text (its HRI and Escaped modes) writes control characters as <LF>, <RS>, <CR>
# fmt: off
_CONTROLS = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
    "FS", "GS", "RS", "US",
)  # ASCII 0-31
# fmt: on
_ESCAPED = re.compile(r"<(" + "|".join(_CONTROLS) + r")>")


@dataclass(frozen=True)
class Jurisdiction:
    iin: str
    code: str  # postal abbreviation: CA, ON
    name: str  # California, Ontario
    country: str  # ISO alpha-3: USA, CAN, MEX


@dataclass(frozen=True)
class AamvaRecord:
    iin: str
    version: int
    jurisdiction_version: int | None  # None: version 01, which has none
    jurisdiction: Jurisdiction | None  # None: an IIN not on the list
    subfiles: dict[str, str]  # type (DL, ID, ZC...) -> its data, after the type
    fields: list[FieldReading]
    extra: dict[str, str]  # element id -> value, for elements without a field

    @property
    def document_type(self) -> str | None:
        """The first DL or ID subfile's type."""
        return next((t for t in self.subfiles if t in _data()["subfiles"]), None)

    def field(self, name: str) -> FieldReading | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class _Element:
    name: str | None
    kind: str
    unit: str | None = None
    of: str | None = None  # street2: the street field it continues
    versions: tuple[int, int] = (0, 99)


@cache
def _load(name: str) -> dict:
    return yaml.safe_load(files("idreader").joinpath(f"data/{name}").read_text("utf-8"))


def _data() -> dict:
    return _load("aamva_elements.yaml")


@cache
def _elements() -> dict[str, tuple[_Element, ...]]:
    out = {}
    for eid, entry in _data()["elements"].items():
        entries = entry if isinstance(entry, list) else [entry]
        out[eid] = tuple(
            _Element(
                e.get("name"),
                e["kind"],
                e.get("unit"),
                e.get("of"),
                tuple(e.get("versions", (0, 99))),
            )
            for e in entries
        )
    return out


def _element(eid: str, version: int) -> _Element | None:
    return next(
        (e for e in _elements().get(eid, ()) if e.versions[0] <= version <= e.versions[1]), None
    )


@cache
def _jurisdictions() -> dict[str, Jurisdiction]:
    return {
        row["iin"]: Jurisdiction(**row)
        for row in _load("aamva_jurisdictions.yaml")["jurisdictions"]
    }


def jurisdiction_for_iin(iin: str) -> Jurisdiction | None:
    return _jurisdictions().get(iin.strip())


def document_name(jurisdiction: Jurisdiction | None, subfile_type: str) -> str:
    """``USA - Texas Driving License`` (DL), ``Canada - Ontario Id Card`` (ID)."""
    document = _data()["subfiles"].get(subfile_type[:2].upper(), {}).get("name", "")
    if jurisdiction is None:
        return document
    label = _load("aamva_jurisdictions.yaml")["countries"][jurisdiction.country]["label"]
    return f"{label} - {jurisdiction.name} {document}".rstrip()


def document_description(subfile_type: str) -> str:
    """The document-types.tsv description of a subfile type ("" for a Z subfile)."""
    return _data()["subfiles"].get(subfile_type[:2].upper(), {}).get("description", "")


def parse_aamva(text: str) -> AamvaRecord | None:
    """The AAMVA payload in ``text`` (junk before it is skipped); None when there is none.
    Control characters may be escaped the way zxing-cpp prints them (``<LF>``)."""
    text = _ESCAPED.sub(lambda m: chr(_CONTROLS.index(m[1])), text or "")
    header = _HEADER.search(text)
    if header is None:
        return None
    iin, version = header[1], int(header[2])
    seps = _separators(text, header.start())
    jv, designators, header_end = _read_designators(text, header.end(), version)
    base = header.start() - 4  # offsets count from the "@"
    subfiles: dict[str, str] = {}
    elements: list[tuple[str, str, str]] = []  # subfile type, element id, value
    for kind, start, end in _subfile_spans(text, designators, base, header_end, seps):
        body = text[start + 2 : end]
        subfiles.setdefault(kind, body)
        elements += [(kind, eid, value) for eid, value in _split(body, seps)]
    if not designators and not elements:  # "ANSI" and digits, but nothing of a card
        return None
    jurisdiction = jurisdiction_for_iin(iin)
    fields, extra = _read(elements, version, jurisdiction)
    fields.append(FieldReading("Issuer Identification Number", iin, iin, source="barcode"))
    return AamvaRecord(iin, version, jv, jurisdiction, subfiles, fields, extra)


# ---------------------------------------------------------------- layout


def _separators(text: str, at: int) -> str:
    """Characters ending an element: the header's own (when sane) and LF, CR, RS."""
    lead = text[max(0, at - 4) : at]
    declared = lead[1:] if len(lead) == 4 and lead[0] == "@" else ""
    return _SEPARATORS + "".join(c for c in declared if not c.isalnum() and c not in " \t")


def _read_designators(
    text: str, pos: int, version: int
) -> tuple[int | None, list[tuple[str, int, int]], int]:
    """Jurisdiction version, subfile designators and where the header ends. Version 01 has no
    jurisdiction version; cards that get this wrong are read the other way."""
    fallback: tuple[int | None, list[tuple[str, int, int]], int] = (None, [], pos)
    for with_jv in (version >= 2, version < 2):
        p, jv = pos, None
        if with_jv:
            if not text[p : p + 2].isdigit():
                continue
            jv, p = int(text[p : p + 2]), p + 2
        if not text[p : p + 2].isdigit():  # number of entries
            continue
        p += 2
        designators = []
        while match := _DESIGNATOR.match(text, p):
            designators.append((match[1], int(match[2]), int(match[3])))
            p = match.end()
        if designators:
            return jv, designators, p
        if fallback[2] == pos:
            fallback = (jv, [], p)
    return fallback


def _starts(text: str, i: int, kind: str) -> bool:
    """A subfile of this type starts at ``i``: its type, then an element id."""
    if not text.startswith(kind, i):
        return False
    follows = text[i + 2 : i + 5]
    return bool(_ELEMENT_ID.fullmatch(follows)) and (not kind.startswith("Z") or follows[0] == "Z")


def _subfile_spans(
    text: str, designators: list[tuple[str, int, int]], base: int, header_end: int, seps: str
) -> list[tuple[str, int, int]]:
    """(type, start, end) of each subfile found: at its offset, near it, or anywhere after the
    header at the start of a line; without designators, every DL/ID/Z subfile that shows."""

    def boundary(i: int) -> bool:
        return i == header_end or (i > header_end and text[i - 1] in seps)

    starts: dict[int, tuple[str, int]] = {}  # start -> (type, declared length)
    for kind, offset, length in designators:
        at = base + offset
        if at >= header_end and _starts(text, at, kind) and at not in starts:
            starts[at] = (kind, length)
            continue
        window = range(max(header_end, at - _NEAR), min(len(text), at + _NEAR + 1))
        near = [i for i in window if i not in starts and boundary(i) and _starts(text, i, kind)]
        if near:
            starts[min(near, key=lambda i: abs(i - at))] = (kind, length)
            continue
        i = text.find(kind, header_end)
        while i >= 0 and (i in starts or not (boundary(i) and _starts(text, i, kind))):
            i = text.find(kind, i + 1)
        if i >= 0:
            starts[i] = (kind, length)
    if not designators:
        for match in re.finditer(r"DL|ID|Z[A-Z]", text[header_end:]):
            i = header_end + match.start()
            # the first DL/ID may follow a mangled header directly; the rest start lines
            first = not starts and match[0] in ("DL", "ID")
            if (first or boundary(i)) and _starts(text, i, match[0]):
                starts[i] = (match[0], 0)
    spans = []
    ordered = sorted(starts)
    for n, start in enumerate(ordered):
        kind, length = starts[start]
        end = ordered[n + 1] if n + 1 < len(ordered) else len(text)
        if length > 2 and start + length <= end and text[start + length - 1] in seps:
            end = start + length  # the declared length ends on a terminator: trust it
        spans.append((kind, start, end))
    return spans


def _split(body: str, seps: str) -> list[tuple[str, str]]:
    """(element id, value) of each line that starts with an element id and has a value."""
    out = []
    for line in re.split(f"[{re.escape(seps)}]", body):
        line = line.strip()
        if len(line) > 3 and _ELEMENT_ID.fullmatch(line[:3]) and line[3:].strip():
            out.append((line[:3], line[3:].strip()))
    return out


# ---------------------------------------------------------------- values


def _date_orders(version: int, country: str | None) -> tuple[str, ...]:
    preferred = _data()["version_date_order"].get(version)
    if preferred is None and country is not None:
        preferred = (
            _load("aamva_jurisdictions.yaml")["countries"].get(country, {}).get("date_order")
        )
    return ("YMD", "MDY") if preferred == "YMD" else ("MDY", "YMD")


def _date(raw: str, orders: tuple[str, ...]) -> str | None:
    digits = re.sub(r"[\s/.-]", "", raw)
    if not re.fullmatch(r"\d{8}", digits):
        return None
    for order in orders:
        y, m, d = (
            (digits[:4], digits[4:6], digits[6:])
            if order == "YMD"
            else (digits[4:], digits[:2], digits[2:4])
        )
        try:
            day = dt.date(int(y), int(m), int(d))
        except ValueError:
            continue
        if 1880 <= day.year <= 2199:
            return day.isoformat()
    return None


def _height(raw: str, unit: str) -> str | None:
    s = raw.strip().upper()
    if m := re.fullmatch(r"(\d{1,3})\s*(IN|CM)\.?", s):
        return f"{int(m[1])} {m[2].lower()}"
    if m := re.fullmatch(r"(\d)\s*(?:'|-|FT)\s*(\d{1,2})\s*(?:\"|''|IN)?", s):
        return f"{int(m[1]) * 12 + int(m[2])} in"
    if not re.fullmatch(r"\d{2,3}", s):
        return None
    if unit == "in" and len(s) == 3 and s[0] != "0" and int(s[1:]) < 12:
        return f"{int(s[0]) * 12 + int(s[1:])} in"  # v1 feet + inches: 509
    if unit == "in" and int(s) > 99:
        return f"{int(s)} cm"
    return f"{int(s)} {unit}"


def _weight(raw: str, unit: str) -> str | None:
    m = re.fullmatch(r"(\d{1,3})\s*(LBS?|KG)?", raw.strip().upper())
    if m is None:
        return None
    return f"{int(m[1])} {'kg' if m[2] == 'KG' else 'lb' if m[2] else unit}"


def _postal(raw: str) -> str:
    s = re.sub(r"\s+", "", raw.strip().upper())
    if re.fullmatch(r"\d{9}", s):
        return s[:5] if s.endswith("0000") else f"{s[:5]}-{s[5:]}"
    if re.fullmatch(r"[A-Z]\d[A-Z]\d[A-Z]\d", s):
        return f"{s[:3]} {s[3:]}"
    return raw.strip()


def _name_parts(raw: str) -> list[str]:
    """Comma (or ``$``) separated portions, else words."""
    parts = re.split(r"[,$]", raw) if re.search(r"[,$]", raw) else raw.split()
    return [" ".join(p.split()) for p in parts]


def _absent(value: str) -> bool:
    return value.strip().upper() in _data()["absent_names"]


def _reading(spec: _Element, raw: str, orders: tuple[str, ...]) -> FieldReading | None:
    """The field an element gives (None: a name marked absent)."""
    kind, value, validity = spec.kind, raw.strip(), NOT_DONE
    if kind in ("name", "full_name", "given_names"):
        if _absent(raw):
            return None
        value = " ".join(" ".join(_name_parts(raw)).split())
    elif kind == "date":
        day = _date(raw, orders)
        value, validity = day or value, NOT_DONE if day else ERROR
    elif kind == "sex":
        sex = _data()["sex_codes"].get(raw.strip().upper())
        value, validity = sex or value, NOT_DONE if sex else ERROR
    elif kind == "height":
        value = _height(raw, spec.unit or "in") or value
    elif kind == "weight":
        value = _weight(raw, spec.unit or "lb") or value
    elif kind == "postal":
        value = _postal(raw)
    elif kind == "flag":
        value = _data()["flags"].get(value.upper(), value)
    elif kind == "code":
        value = value.upper()
    else:
        value = " ".join(value.split())
    return FieldReading(spec.name or "", raw, value, validity, source="barcode")


# ---------------------------------------------------------------- fields


def _read(
    elements: list[tuple[str, str, str]], version: int, jurisdiction: Jurisdiction | None
) -> tuple[list[FieldReading], dict[str, str]]:
    """Fields of the DL/ID elements; everything else (Z subfiles, unknown or unnamed elements,
    a second element for a field already read) into ``extra``."""
    country = jurisdiction.country if jurisdiction else None
    if country is None:  # an unlisted IIN: the card's own country, if it says
        country = next((v.strip().upper() for _, e, v in elements if e == "DCG"), None)
    orders = _date_orders(version, country)
    fields: dict[str, FieldReading] = {}
    extra: dict[str, str] = {}
    street2: dict[str, str] = {}
    for kind, eid, raw in elements:
        spec = None if kind.startswith("Z") else _element(eid, version)
        if spec is not None and spec.of:
            street2.setdefault(spec.of, " ".join(raw.split()))
        if spec is None or spec.name is None or spec.name in fields:
            extra.setdefault(eid, raw)
            continue
        if (reading := _reading(spec, raw, orders)) is not None:
            fields[spec.name] = reading
    _names(fields)
    _address(fields, street2)
    _issuing_state(fields, jurisdiction)
    return list(fields.values()), extra


def _put(
    fields: dict[str, FieldReading], name: str, parts: list[tuple[str, str]], sep: str
) -> None:
    """Add ``name`` (unless read already) made of (original, value) parts."""
    parts = [(o, v) for o, v in parts if v and not _absent(v)]
    if parts and name not in fields:
        original, value = sep.join(o for o, _ in parts), sep.join(v for _, v in parts)
        fields[name] = FieldReading(name, original, value, source="barcode")


def _names(fields: dict[str, FieldReading]) -> None:
    """Surname, First Name, Middle Name, Given Names and Surname and Given Names from whichever
    of them the card has (v1 DAA full name, v2-v3 DCT given names, v4+ DAC and DAD)."""
    if (full := fields.get("Surname and Given Names")) is not None:
        raw = full.original_value
        parts = _name_parts(raw)
        if not re.search(r"[,$]", raw):  # LAST FIRST MIDDLE...: no suffix portion
            parts = [*parts[:2], " ".join(parts[2:])]
        names = ("Surname", "First Name", "Middle Name", "Name Suffix")
        for name, part in zip(names, [*parts[:3], " ".join(parts[3:])], strict=False):
            _put(fields, name, [(part, part)], " ")
    if (given := fields.get("Given Names")) is not None:
        parts = _name_parts(given.original_value)
        _put(fields, "First Name", [(parts[0], parts[0])] if parts else [], " ")
        rest = " ".join(p for p in parts[1:] if p)
        _put(fields, "Middle Name", [(rest, rest)], " ")

    def pair(name: str) -> tuple[str, str]:
        f = fields.get(name)
        return (f.original_value, f.value) if f else ("", "")

    _put(fields, "Given Names", [pair("First Name"), pair("Middle Name")], " ")
    _put(fields, "Surname and Given Names", [pair("Surname"), pair("Given Names")], " ")


def _address(fields: dict[str, FieldReading], street2: dict[str, str]) -> None:
    """Address: street, street 2, city, "jurisdiction postal code" (the residence address,
    else the mailing one)."""
    prefix = "" if {"Address Street", "Address City"} & fields.keys() else "Mailing "

    def pair(name: str) -> tuple[str, str]:
        f = fields.get(prefix + name)
        return (f.original_value, f.value) if f else ("", "")

    line2 = street2.get(prefix + "Address Street", "")
    state, postal = pair("Address Jurisdiction Code"), pair("Address Postal Code")
    last = (f"{state[0]} {postal[0]}".strip(), f"{state[1]} {postal[1]}".strip())
    _put(
        fields,
        "Address",
        [pair("Address Street"), (line2, line2), pair("Address City"), last],
        ", ",
    )


def _issuing_state(fields: dict[str, FieldReading], jurisdiction: Jurisdiction | None) -> None:
    """Issuing State Code (the card's DCG, else the IIN's country) and its name."""
    if jurisdiction is not None:
        _put(fields, "Issuing State Code", [(jurisdiction.country, jurisdiction.country)], "")
    code = fields.get("Issuing State Code")
    alpha2 = alpha3_to_alpha2(code.value) if code else None
    if alpha2:
        name = country_name(alpha2)
        _put(fields, "Issuing State Name", [(name, name)], "")
