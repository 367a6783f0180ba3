"""Fields from the QR codes of national identity documents whose payload format is public.

- India, Aadhaar "Secure QR" (2019 and later): the QR text is a large decimal integer; its
  big-endian bytes are a gzip stream; inside, fields separated by byte 255. Unversioned
  (2019, UIDAI's published manual): email/mobile indicator, reference id, name, date of birth
  (DD-MM-YYYY), gender (M/F/T), care of, district, landmark, house, location, PIN code, post
  office, state, street, sub-district, village/town/city, then the photo, hashes and a
  256-byte signature. Versioned ("V2", "V3", ...): the version first, the same fields, then
  the last four digits of the mobile number before the photo.
- India, Aadhaar XML QR (before 2019): ``<PrintLetterBarcodeData uid=".." name=".." .../>``.
- Philippines, PhilSys: JSON. The PhilID card's ``{"DateIssued", "Issuer", "subject":
  {"lName", "fName", "mName", "Suffix", "sex", "DOB", "POB", "PCN", "BF"}, "alg",
  "signature"}`` and the ePhilID's shorter ``{"d", "i", "img", "sb": {"ln", "fn", "mn", "sf",
  "s", "DOB", "POB", "PCN", "BF"}}``.

Field names are field-types.tsv's, verbatim; every reading has ``source="barcode"``. The
parsers never raise on bad input: anything they do not recognise gives None, and callers keep
the raw text. Signatures are not verified (that needs the issuers' certificates).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from idreader.fields import format_iso, normalise_sex, parse_date
from idreader.pipeline.types import NOT_DONE, FieldReading

AADHAAR_SECURE, AADHAAR_XML, PHILSYS = "aadhaar_secure_qr", "aadhaar_xml_qr", "philsys_qr"

MAX_TEXT = 10_000  # characters: a QR code holds at most 7089 digits
MAX_INFLATED = 64 * 1024  # bytes of a decompressed Secure QR kept (text fields come first)
DELIMITER = 255
SECURE_TEXT_FIELDS = (
    "indicator", "reference", "name", "dob", "gender", "care_of", "district", "landmark",
    "house", "location", "pin", "post_office", "state", "street", "sub_district", "vtc",
)  # fmt: skip
# Printed order of an Aadhaar address: key in the payload -> its own field, if any.
AADHAAR_ADDRESS = (
    ("care_of", None),
    ("house", "Address House"),
    ("street", "Address Street"),
    ("landmark", None),
    ("location", "Address Location"),
    ("vtc", "Address City"),
    ("post_office", None),
    ("sub_district", None),
    ("district", None),
    ("state", "Address State"),
    ("pin", "Address Postal Code"),
)
XML_KEYS = {  # Aadhaar XML attribute -> Secure QR key
    "co": "care_of", "house": "house", "street": "street", "lm": "landmark", "loc": "location",
    "vtc": "vtc", "po": "post_office", "subdist": "sub_district", "dist": "district",
    "state": "state", "pc": "pin",
}  # fmt: skip
SEX = {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F", "T": "X", "TRANSGENDER": "X"}
_UNSAFE_XML = re.compile(r"<!(DOCTYPE|ENTITY)|<\?xml-stylesheet", re.IGNORECASE)
_XML_ELEMENT = re.compile(r"<PrintLetterBarcodeData\b[^<>]*>")


@dataclass(frozen=True)
class QrPayload:
    format: str  # AADHAAR_SECURE | AADHAAR_XML | PHILSYS
    fields: list[FieldReading]


def parse_qr(text: str) -> QrPayload | None:
    """The fields of a QR payload in a known public format, or None."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return None
    stripped = text.strip()
    if stripped.isdigit():
        parser: Callable[[str], QrPayload | None] = parse_aadhaar_secure
    elif stripped.startswith("{"):
        parser = parse_philsys
    elif "PrintLetterBarcodeData" in stripped:
        parser = parse_aadhaar_xml
    else:
        return None
    return parser(stripped)


# ---------------------------------------------------------------------------- Aadhaar


def parse_aadhaar_secure(text: str) -> QrPayload | None:
    """An Aadhaar Secure QR's demographic fields (the photo and signature are left out)."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return None
    data = _inflate(_decimal_bytes(text.strip()))
    if data is None:
        return None
    parts = data.split(bytes([DELIMITER]))
    if re.fullmatch(rb"V\d{1,2}", parts[0]):
        parts = parts[1:]  # the version; the mobile's last digits follow the text fields
    if len(parts) <= len(SECURE_TEXT_FIELDS):  # the photo and signature follow
        return None
    values = dict(zip(SECURE_TEXT_FIELDS, (_text(p) for p in parts), strict=False))
    if values["indicator"] not in ("0", "1", "2", "3"):
        return None
    if not re.match(r"\d{4}", values["reference"]):  # last 4 digits of the number, a time
        return None
    fields = _aadhaar_fields(values)
    return QrPayload(AADHAAR_SECURE, fields) if fields else None


def parse_aadhaar_xml(text: str) -> QrPayload | None:
    """The attributes of an Aadhaar XML QR's ``PrintLetterBarcodeData`` element. DOCTYPE and
    ENTITY declarations are refused before anything is parsed."""
    if not isinstance(text, str) or len(text) > MAX_TEXT or _UNSAFE_XML.search(text):
        return None
    match = _XML_ELEMENT.search(text)
    if match is None:
        return None
    element = match.group(0)
    if not element.endswith("/>"):
        element = element[:-1] + "/>"
    try:
        attributes = ET.fromstring(element).attrib
    except ET.ParseError:
        return None
    values = {XML_KEYS[k]: v.strip() for k, v in attributes.items() if k in XML_KEYS}
    values.update(
        name=attributes.get("name", "").strip(),
        gender=attributes.get("gender", "").strip(),
        dob=attributes.get("dob", "").strip(),
    )
    fields = []
    uid = re.sub(r"\s", "", attributes.get("uid", ""))
    if re.fullmatch(r"\d{12}", uid):
        fields.append(_reading("Personal Number", attributes["uid"], uid))
    fields += _aadhaar_fields(values)
    year = attributes.get("yob", "").strip()
    if re.fullmatch(r"\d{4}", year) and not any(f.name == "Date of Birth" for f in fields):
        fields.append(_reading("Year of Birth", year, year))
    return QrPayload(AADHAAR_XML, fields) if fields else None


def _aadhaar_fields(values: Mapping[str, str]) -> list[FieldReading]:
    out = []
    if values.get("reference"):
        out.append(_reading("Reference Number", values["reference"], values["reference"]))
    if values.get("name"):
        out.append(_reading("Surname and Given Names", values["name"], values["name"]))
    out += _date("Date of Birth", values.get("dob", ""), order="DMY")
    out += _sex(values.get("gender", ""))
    parts = [(values.get(key, "").strip(), name) for key, name in AADHAAR_ADDRESS]
    address = ", ".join(_unique(part for part, _ in parts if part))
    if address:
        out.append(_reading("Address", address, address))
    out += [_reading(name, part, part) for part, name in parts if part and name]
    return out


def _decimal_bytes(text: str) -> bytes | None:
    """The big-endian bytes of a decimal number of any length (``int(text)`` refuses more
    than 4300 digits)."""
    if not text.isascii() or not text.isdigit():
        return None
    number = 0
    for start in range(0, len(text), 1000):
        chunk = text[start : start + 1000]
        number = number * 10 ** len(chunk) + int(chunk)
    return number.to_bytes(max(1, (number.bit_length() + 7) // 8), "big")


def _inflate(data: bytes | None) -> bytes | None:
    """A gzip (or zlib) stream's content, at most MAX_INFLATED bytes of it."""
    if not data:
        return None
    try:
        return zlib.decompressobj(32 + zlib.MAX_WBITS).decompress(data, MAX_INFLATED) or None
    except zlib.error:
        return None


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return raw.decode("iso-8859-1").strip()  # the manual's encoding


def _unique(parts: Iterable[str]) -> list[str]:
    """The parts without repeats (the post office is often the town)."""
    seen: list[str] = []
    for part in parts:
        if part.casefold() not in (s.casefold() for s in seen):
            seen.append(part)
    return seen


# ---------------------------------------------------------------------------- PhilSys


PHILSYS_KEYS = {  # field -> (PhilID card key, ePhilID key)
    "Surname": ("lName", "ln"),
    "Given Names": ("fName", "fn"),
    "Middle Name": ("mName", "mn"),
    "Name Suffix": ("Suffix", "sf"),
    "Place of Birth": ("POB", "POB"),
    "Document Number": ("PCN", "PCN"),  # the PhilSys Card Number, as the catalogue names it
}


def parse_philsys(text: str) -> QrPayload | None:
    """A PhilSys QR's subject (PhilID card or ePhilID); the photo and signature are left
    out."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    card = isinstance(data.get("subject"), dict)
    subject = data.get("subject") if card else data.get("sb")
    if not isinstance(subject, dict) or not _string(subject.get("PCN")):
        return None
    key = 0 if card else 1
    fields = []
    for name, keys in PHILSYS_KEYS.items():
        value = _string(subject.get(keys[key]))
        if value:
            clean = re.sub(r"\s+", " ", value)
            if name == "Document Number":
                clean = re.sub(r"[\s-]", "", value)
            fields.append(_reading(name, value, clean))
    fields += _sex(_string(subject.get("sex" if card else "s")))
    fields += _date("Date of Birth", _string(subject.get("DOB")), order="YMD")
    issued = _string(data.get("DateIssued" if card else "d"))
    fields += _date("Date of Issue", issued, order="YMD")
    authority = _string(data.get("Issuer" if card else "i"))
    if authority:
        fields.append(_reading("Authority", authority, authority))
    return QrPayload(PHILSYS, fields)


def _string(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


# ---------------------------------------------------------------------------- readings


def _reading(name: str, original: str, value: str) -> FieldReading:
    return FieldReading(name, original, value, NOT_DONE, source="barcode")


def _date(name: str, text: str, order: str) -> list[FieldReading]:
    """The date as ISO, or the text as it is when it does not read as a date."""
    if not text:
        return []
    kind = "birth" if name == "Date of Birth" else "issue"
    day = parse_date(text, order=order, languages=("en",), kind=kind)
    return [_reading(name, text, format_iso(day) if day else text)]


def _sex(text: str) -> list[FieldReading]:
    if not text:
        return []
    value = SEX.get(text.upper()) or normalise_sex(text, languages=("en",))
    return [_reading("Sex", text, value or text)]
